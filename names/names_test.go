package names

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Huawei Technologies Co., Ltd.", "huawei technologies co ltd"},
		{"ＨＵＡＷＥÏ  technologies co ltd", "huawei technologies co ltd"},
		{"Société Générale S.A.", "societe generale s a"},
		{"Østergaard & Søn ApS", "ostergaard son aps"},
		{"华为Technologies", "华为 technologies"},
		{"深圳示例控股有限公司", "深圳示例控股有限公司"},
		{"", ""},
		{"---", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnalyzeLegalForms(t *testing.T) {
	for _, tc := range []struct {
		in, core string
	}{
		{"Huawei Technologies Co., Ltd.", "huawei technologies"},
		{"Huawei Technologies Co Ltd", "huawei technologies"},
		{"HUAWEI TECHNOLOGIES COMPANY LIMITED", "huawei technologies"},
		{"Huawei Technologies Ltd.", "huawei technologies"},
		{"华为技术有限公司", "华为技术"},
		{"华为技术股份有限公司", "华为技术"},
		{"Shenzhen Shili Konggu Youxian Gongsi", "shenzhen shili konggu"},
		{"Siemens AG", "siemens"},
		{"AB Volvo", "volvo"},
		{"Example GmbH", "example"},
		{"Exemple S.A.R.L.", "exemple"},
		{"Example Pte. Ltd.", "example"},
		{"Example LLC", "example"},
		{"Brightwater Sensors Gesellschaft mit beschränkter Haftung", "brightwater sensors"}, // written out
		{"SILVERLINE LOGISTICS PUBLIC LIMITED COMPANY", "silverline logistics"},
		{"Redfern Trading Besloten Vennootschap", "redfern trading"},
		{"Kilbride Optics Aktiengesellschaft", "kilbride optics"},
		{"トヨタ自動車株式会社", "トヨタ 自動車"},
		{"Limited", "limited"},                 // the whole name is never removed
		{"有限公司", "有限公司"},                       // nor in Han script
		{"Huaxin Holdings", "huaxin holdings"}, // ordinary words stay
		{"The Hongkong and Shanghai Banking Corporation Limited", "hongkong shanghai banking"},
		{"Johnson & Johnson", "johnson johnson"},
		{"The", "the"},
	} {
		if got := Analyze(tc.in).Core(); got != tc.core {
			t.Errorf("Analyze(%q).Core() = %q, want %q", tc.in, got, tc.core)
		}
	}
	if c := Analyze("Huawei Technologies Co., Ltd.").LegalCodes; len(c) == 0 {
		t.Error("Ltd has no ELF codes")
	}
	if c := Analyze("Example Co.").LegalCodes; len(c) != 0 {
		t.Errorf("Co. is neutral, got codes %v", c)
	}
}

func TestReading(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"深圳华信云科技有限公司", "shenzhenhuaxinyunkeji"},
		{"Shenzhen Huaxin Yun Keji Youxian Gongsi", "shenzhenhuaxinyunkeji"},
		{"ShenZhen HuaXin YunKeJi Co., Ltd.", "shenzhenhuaxinyunkeji"},
		{"Shenzhen Example Holdings", ""}, // not pinyin
	} {
		if got := Analyze(tc.in).Reading; got != tc.want {
			t.Errorf("Analyze(%q).Reading = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitSyllables(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"shenzhenhuaxin", []string{"shen", "zhen", "hua", "xin"}},
		{"xian", []string{"xian"}}, // fewest syllables
		{"example", nil},
		{"bimbo", nil}, // no vowel-less syllables
		{"", nil},
	} {
		if got := splitSyllables(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitSyllables(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every spelling of a Chinese name must share index tokens with its Han
// and its pinyin form, or the store never offers it as a candidate.
func TestQueryTokensReachIndexTokens(t *testing.T) {
	index := IndexTokens([]string{"深圳华信云科技有限公司"})
	for _, q := range []string{
		"深圳华信云科技有限公司",
		"Shenzhen Huaxin Yun Keji Youxian Gongsi",
		"ShenzhenHuaxin Cloud Technology",
		"Shenzhen Huaxin Cloud Technology Co., Ltd.",
	} {
		shared := 0
		for _, tok := range QueryTokens(q) {
			if slices.Contains(index, tok) {
				shared++
			}
		}
		if shared == 0 {
			t.Errorf("QueryTokens(%q) = %q share nothing with IndexTokens %q", q, QueryTokens(q), index)
		}
	}
	if slices.Contains(IndexTokens([]string{"Huawei Technologies Co., Ltd."}), "ltd") {
		t.Error("legal forms must not be indexed")
	}
	if !slices.IsSorted(index) {
		t.Errorf("IndexTokens not sorted: %q", index)
	}
}

func TestSearchForms(t *testing.T) {
	got := SearchForms("深圳示例控股有限公司")
	want := []string{"深圳示例控股有限公司", "shen zhen shi li kong gu you xian gong si", "shenzhenshilikongguyouxiangongsi"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchForms = %q, want %q", got, want)
	}
	if got := SearchForms("Acme Ltd"); !slices.Equal(got, []string{"acme ltd"}) {
		t.Errorf("SearchForms(Latin) = %q", got)
	}
	if SearchForms("") != nil {
		t.Error("empty name has no forms")
	}
}

func TestAnalyzeUnread(t *testing.T) {
	for _, n := range []string{"Shenzhen Huaxin Technology Co., Ltd.", "深圳华信科技有限公司", "Kestrel Logistics Ltd"} {
		full, unread := Analyze(n), AnalyzeUnread(n)
		if unread.Reading != "" || unread.Folded != full.Folded || unread.Core() != full.Core() ||
			strings.Join(unread.LegalCodes, ",") != strings.Join(full.LegalCodes, ",") {
			t.Errorf("AnalyzeUnread(%q) = %+v, want Analyze's %+v without the reading", n, unread, full)
		}
	}
}

// BenchmarkAnalyze analyses names of the shapes a screening meets: Latin
// names with one or two legal forms, a prefix form, a Han name.
func BenchmarkAnalyze(b *testing.B) {
	in := []string{
		"Linden Capital Partners Ltd", "Huawei Technologies Co., Ltd.", "AB Volvo",
		"Kestrel Logistics GmbH & Co. KG", "深圳示例控股有限公司", "Northwind Trading",
		"Société Générale S.A.", "Shenzhen Example Holdings Co., Ltd.",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Analyze(in[i%len(in)])
	}
}

// TestFoldSkipsOnlyStableText checks that the names Fold does not
// normalise (ASCII and CJK ideographs) fold as they would normalised.
func TestFoldSkipsOnlyStableText(t *testing.T) {
	full := func(s string) string {
		n, _, err := transform.String(
			transform.Chain(norm.NFKC, norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var han strings.Builder
	for r := rune(0x3400); r <= 0x9FFF; r++ {
		if r > 0x4DBF && r < 0x4E00 {
			continue
		}
		han.WriteRune(r)
	}
	for _, s := range []string{"Huawei Technologies Co., Ltd.", "深圳示例控股有限公司", han.String(), "华为Technologies"} {
		if needsNormalising(s) {
			t.Errorf("needsNormalising(%.20q) = true", s)
		}
		if got := full(s); got != s {
			t.Errorf("normalising %.20q changes it to %.20q: the fast path is wrong", s, got)
		}
	}
	for _, s := range []string{"ＨＵＡＷＥÏ", "Société", "\uF900", "ﬁrm"} {
		if !needsNormalising(s) {
			t.Errorf("needsNormalising(%q) = false", s)
		}
	}
}

// TestReadHanIsLazyPinyin checks the cached reading against go-pinyin's
// for every CJK ideograph.
func TestReadHanIsLazyPinyin(t *testing.T) {
	for r := rune(0x3400); r <= 0x9FFF; r++ {
		w := string(r) + "公司"
		if got, want := readHan(w), pinyin.LazyPinyin(w, pinyinArgs); !slices.Equal(got, want) {
			t.Fatalf("readHan(%q) = %q, want %q", w, got, want)
		}
	}
}

// TestFoldASCII checks the byte-by-byte fold against the general one on
// every printable ASCII character in several positions.
func TestFoldASCII(t *testing.T) {
	var in []string
	for c := byte(0); c < 128; c++ {
		ch := string([]byte{c})
		in = append(in, ch, "A"+ch+"b", " x"+ch+ch+"Y ", ch+"Co., Ltd."+ch)
	}
	for _, s := range in {
		got, ok := foldASCII(s)
		if !ok {
			t.Fatalf("foldASCII(%q) not ok", s)
		}
		if want := foldGeneral(s); got != want {
			t.Errorf("foldASCII(%q) = %q, want %q", s, got, want)
		}
	}
	if _, ok := foldASCII("Société"); ok {
		t.Error("foldASCII accepted a non-ASCII name")
	}
}
