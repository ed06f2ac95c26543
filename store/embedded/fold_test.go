package embedded

import "testing"

func TestFoldName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Huawei Technologies Co., Ltd.", "huawei technologies co ltd"},
		{"  HUAWEÏ---technologies  ", "huawei technologies"},
		{"Société Générale S.A.", "societe generale s a"},
		{"Łódź Øresund Đakovo", "lodz oresund dakovo"},
		{"Straße", "straße"},
		{"华为技术有限公司", "华为技术有限公司"},
		{"O'Brien & Sons (UK) Ltd", "o brien sons uk ltd"},
		{"A\xffB", "a b"},
		{"...", ""},
	} {
		if got := FoldName(tc.in); got != tc.want {
			t.Errorf("FoldName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
