package store

import "testing"

func TestFoldName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"...", ""},
		{".,;", ""},
		{"Huawei Technologies Co., Ltd.", "huawei technologies co ltd"},
		{"  HUAWEÏ---technologies  ", "huawei technologies"},
		{"  HUAWEÏ   technologies, co. ", "huawei technologies co"},
		{"Société Générale S.A.", "societe generale s a"},
		{"Łódź Øresund Đakovo", "lodz oresund dakovo"},
		{"Øresund Đak Łódź", "oresund dak lodz"},
		{"Straße", "straße"},
		{"华为技术有限公司", "华为技术有限公司"},
		{"中国石油天然气集团", "中国石油天然气集团"},
		{"한국전력공사", "한국전력공사"}, // Hangul syllables stay composed (NFC), not split into jamo
		{"が", "か"}, // the voicing mark is a combining mark: stripped like an accent
		{"O'Brien & Sons (UK) Ltd", "o brien sons uk ltd"},
		{"A\xffB", "a b"}, // invalid UTF-8 separates words
	} {
		if got := FoldName(tc.in); got != tc.want {
			t.Errorf("FoldName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
