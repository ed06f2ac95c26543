package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Snapshot refresh (issue 18 item 1): a record a source asserted in one
// full snapshot and no longer asserts in the next is retired, on both
// stores: the entity it flagged is CLEAR after `ubo score`, `ubo diff`
// lists it, and scoring as of the first snapshot's date still flags it.

const (
	snapDate1 = "2026-11-01"
	snapDate2 = "2026-11-02"
)

// pscLine is one PSC snapshot record of an individual with the given
// nationality and natures of control in company 01000001.
func pscLine(id, name, nationality string, natures ...string) string {
	n, _ := json.Marshal(natures)
	return `{"company_number":"01000001","data":{"kind":"individual-person-with-significant-control","name":"` + name +
		`","nationality":"` + nationality + `","notified_on":"2019-05-01","natures_of_control":` + string(n) +
		`,"links":{"self":"/company/01000001/persons-with-significant-control/individual/` + id + `"}}}` + "\n"
}

// ftmLine is one FollowTheMoney entity line.
func ftmLine(id, caption, schema string, props map[string][]string, datasets []string, target bool) string {
	b, _ := json.Marshal(map[string]any{"id": id, "caption": caption, "schema": schema, "properties": props,
		"datasets": datasets, "target": target})
	return string(b) + "\n"
}

// bodsLine is one BODS 0.4 statement of record id, dated date, with the
// given record details.
func bodsLine(n int, id, recordType, status, date, details string) string {
	return fmt.Sprintf(`{"statementId":"snap-%04d-aaaa-bbbb-cccc-000000000000","declarationSubject":"snap-co","statementDate":"%s",`+
		`"recordId":"%s","recordType":"%s","recordStatus":"%s","recordDetails":{"isComponent":false,%s},`+
		`"publicationDetails":{"publicationDate":"%s","bodsVersion":"0.4","publisher":{"name":"Example Register"}}}`+"\n",
		n, date, id, recordType, status, details, date)
}

type snapshotScenario struct {
	name, source, policy, entity string
	first, second                []string // the two snapshots' files
	// delta: the first ingest is a plain one and the second a delta file,
	// not snapshots.
	delta bool
	// retired is what the second ingest's summary line must say.
	retired string
}

// succeedingUbo runs ubo on db, failing the test unless it exits 0, and
// returns its stdout and stderr.
func succeedingUbo(t *testing.T, db string) func(args ...string) (string, string) {
	return func(args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runUbo(t, append([]string{"--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("ubo %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
		return stdout, stderr
	}
}

// fileWriter returns a function writing a file of the test's own
// directory and returning its path.
func fileWriter(t *testing.T) func(name, content string) string {
	dir := t.TempDir()
	return func(name, content string) string { return writeTestFile(t, dir, name, content) }
}

func snapshotScenarios(t *testing.T) []snapshotScenario {
	write := fileWriter(t)
	chinese := pscLine("LiPsc1", "Li Example", "Chinese", "ownership-of-shares-75-to-100-percent", "voting-rights-75-to-100-percent")
	british := pscLine("AnnPsc2", "Ann Sample", "British", "significant-influence-or-control")
	psc1 := write("psc-1.txt", chinese+british)
	psc2 := write("psc-2.txt", british)

	cross, err := filepath.Abs(filepath.Join("..", "..", "testdata", "cross"))
	if err != nil {
		t.Fatal(err)
	}
	lei, rr1 := filepath.Join(cross, "gleif-lei.xml"), filepath.Join(cross, "gleif-rr.xml")
	rr, err := os.ReadFile(rr1)
	if err != nil {
		t.Fatal(err)
	}
	noRecords := regexp.MustCompile(`(?s)<rr:RelationshipRecord .*</rr:RelationshipRecord>`).ReplaceAllString(string(rr), "")
	noRecords = strings.Replace(noRecords, "<rr:RecordCount>1</rr:RecordCount>", "<rr:RecordCount>0</rr:RecordCount>", 1)
	if noRecords == string(rr) {
		t.Fatal("the GLEIF fixture's relationship record was not found")
	}
	rr2 := write("rr-2.xml", noRecords)
	// Delta files: the CN parent's LEI retired; the relationship record retired.
	leiXML, err := os.ReadFile(lei)
	if err != nil {
		t.Fatal(err)
	}
	parentAt := strings.Index(string(leiXML), "<lei:LEI>549300CNCROSS0000189</lei:LEI>")
	if parentAt < 0 {
		t.Fatal("the GLEIF fixture's CN parent was not found")
	}
	retire := strings.NewReplacer("<lei:EntityStatus>ACTIVE</lei:EntityStatus>", "<lei:EntityStatus>INACTIVE</lei:EntityStatus>",
		"<lei:LastUpdateDate>2026-06-01T00:00:00+08:00</lei:LastUpdateDate>", "<lei:LastUpdateDate>"+snapDate2+"T00:00:00Z</lei:LastUpdateDate>",
		"<lei:RegistrationStatus>ISSUED</lei:RegistrationStatus>", "<lei:RegistrationStatus>RETIRED</lei:RegistrationStatus>")
	leiRetired := write("lei-retired.xml", string(leiXML[:parentAt])+retire.Replace(string(leiXML[parentAt:])))
	rrRetired := write("rr-retired.xml", strings.NewReplacer(
		"<rr:RegistrationStatus>PUBLISHED</rr:RegistrationStatus>", "<rr:RegistrationStatus>RETIRED</rr:RegistrationStatus>",
		"<rr:LastUpdateDate>2026-06-01T00:00:00Z</rr:LastUpdateDate>", "<rr:LastUpdateDate>"+snapDate2+"T00:00:00Z</rr:LastUpdateDate>").Replace(string(rr)))

	parent := func(listed bool) string {
		props := map[string][]string{"name": {"Example Listed Holdings Ltd"}, "jurisdiction": {"ru"}}
		datasets := []string{"ubo_fixture"}
		if listed {
			props["topics"] = []string{"sanction"}
			datasets = append(datasets, "us_ofac_sdn")
		}
		return ftmLine("NK-parent", "Example Listed Holdings Ltd", "Company", props, datasets, listed)
	}
	rest := ftmLine("NK-sub", "Example Subsidiary GmbH", "Company", map[string][]string{"name": {"Example Subsidiary GmbH"}, "jurisdiction": {"de"}}, []string{"ubo_fixture"}, false) +
		ftmLine("NK-own", "", "Ownership", map[string][]string{"owner": {"NK-parent"}, "asset": {"NK-sub"}, "percentage": {"60"}}, []string{"ubo_fixture"}, false)
	ftm1 := write("ftm-1.json", parent(true)+rest)
	ftm2 := write("ftm-2.json", parent(false)+rest)
	mod := strings.Replace(parent(false), `{"caption"`, `{"last_change":"`+snapDate2+`T06:00:00","caption"`, 1)
	ftmMod := write("ftm-mod.delta.json", `{"op":"MOD","entity":`+strings.TrimSpace(mod)+"}\n")
	ftmDel := write("ftm-del.delta.json", `{"op":"DEL","entity":{"id":"NK-parent","schema":"Company","last_seen":"`+snapDate2+`T06:00:00"}}`+"\n")

	// BODS record versions read in a later run: the owner replaced, the
	// relationship closed, the owner's person record closed.
	const (
		bodsCo    = `"entityType":{"type":"registeredEntity"},"name":"Example Target Ltd","jurisdiction":{"name":"United Kingdom","code":"GB"}`
		bodsLi    = `"personType":"knownPerson","names":[{"type":"legal","fullName":"Li Example"}],"nationalities":[{"name":"China","code":"CN"}]`
		bodsAnn   = `"personType":"knownPerson","names":[{"type":"legal","fullName":"Ann Sample"}],"nationalities":[{"name":"United Kingdom","code":"GB"}]`
		bodsByLi  = `"subject":"snap-co","interestedParty":"snap-li","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"exact":80}}]`
		bodsByAnn = `"subject":"snap-co","interestedParty":"snap-ann","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"exact":80}}]`
	)
	bods1 := write("bods-1.jsonl", bodsLine(1, "snap-co", "entity", "new", snapDate1, bodsCo)+
		bodsLine(2, "snap-li", "person", "new", snapDate1, bodsLi)+
		bodsLine(3, "snap-ann", "person", "new", snapDate1, bodsAnn)+
		bodsLine(4, "snap-rel", "relationship", "new", snapDate1, bodsByLi))
	bodsUpdated := write("bods-updated.jsonl", bodsLine(5, "snap-rel", "relationship", "updated", snapDate2, bodsByAnn))
	bodsClosed := write("bods-closed.jsonl", bodsLine(6, "snap-rel", "relationship", "closed", snapDate2, bodsByLi))
	bodsLiClosed := write("bods-li-closed.jsonl", bodsLine(7, "snap-li", "person", "closed", snapDate2, bodsLi))

	return []snapshotScenario{
		{name: "bods-owner-replaced", source: "bods", policy: "default", entity: "bods:snap-co", delta: true,
			first: []string{bods1}, second: []string{bodsUpdated}, retired: "BODS 0.4: 1 statement(s)"},
		{name: "bods-relationship-closed", source: "bods", policy: "default", entity: "bods:snap-co", delta: true,
			first: []string{bods1}, second: []string{bodsClosed}, retired: "BODS 0.4: 1 statement(s)"},
		{name: "bods-owner-closed", source: "bods", policy: "default", entity: "bods:snap-co", delta: true,
			first: []string{bods1}, second: []string{bodsLiClosed}, retired: "BODS 0.4: 1 statement(s)"},
		{name: "psc", source: "psc", policy: "default", entity: "gb-coh:01000001",
			first: []string{psc1}, second: []string{psc2},
			retired: "ended 2 relationship(s), 1 entity(ies) inactive, 0 reactivated, 0 list tag(s) retired"},
		{name: "gleif", source: "gleif", policy: "default", entity: "lei:213800CROSSUK0000187",
			first:   []string{lei, rr1},
			second:  []string{lei, rr2},
			retired: "ended 1 relationship(s), 0 entity(ies) inactive, 0 reactivated, 0 list tag(s) retired"},
		{name: "gleif-delta-lei-retired", source: "gleif", policy: "default", entity: "lei:213800CROSSUK0000187", delta: true,
			first: []string{lei, rr1}, second: []string{leiRetired},
			retired: "delta: 1 record change(s): 1 entity(ies) inactive, 0 reactivated, 0 list tag(s) retired"},
		{name: "gleif-delta-rr-retired", source: "gleif", policy: "default", entity: "lei:213800CROSSUK0000187", delta: true,
			first: []string{lei, rr1}, second: []string{rrRetired},
			retired: "read 1, written 2 entities and 1 relationships"},
		{name: "ftm", source: "ftm", policy: "ofac-50", entity: "ftm:NK-sub",
			first: []string{ftm1}, second: []string{ftm2},
			retired: "ended 0 relationship(s), 0 entity(ies) inactive, 0 reactivated, 3 list tag(s) retired"},
		{name: "ftm-delta-mod", source: "ftm", policy: "ofac-50", entity: "ftm:NK-sub", delta: true,
			first: []string{ftm1}, second: []string{ftmMod},
			retired: "delta: 1 record change(s): 0 entity(ies) inactive, 0 reactivated, 3 list tag(s) retired"},
		{name: "ftm-delta-del", source: "ftm", policy: "ofac-50", entity: "ftm:NK-sub", delta: true,
			first: []string{ftm1}, second: []string{ftmDel},
			retired: "delta: 1 record change(s): 1 entity(ies) inactive, 0 reactivated, 3 list tag(s) retired"},
	}
}

func TestSnapshotRetiresWhatTheSourceDropped(t *testing.T) {
	for _, sc := range snapshotScenarios(t) {
		for _, s := range bothStores {
			t.Run(sc.name+"/"+s.name, func(t *testing.T) {
				db := s.db(t)
				t.Chdir(t.TempDir())
				ubo := succeedingUbo(t, db)
				verdict := func() string {
					t.Helper()
					out, _ := ubo("explain", sc.entity, "--json")
					var x struct {
						Result struct {
							Verdict string `json:"verdict"`
							Flagged bool   `json:"flagged"`
						} `json:"result"`
					}
					if err := json.Unmarshal([]byte(out), &x); err != nil {
						t.Fatalf("explain --json: %v: %s", err, out)
					}
					if x.Result.Flagged {
						return "flagged " + x.Result.Verdict
					}
					return x.Result.Verdict
				}

				firstFlags := []string{"--snapshot", "--snapshot-date", snapDate1}
				secondFlags, summary := []string{"--snapshot", "--snapshot-date", snapDate2}, "snapshot of "+snapDate2+": "
				if sc.delta {
					firstFlags, secondFlags, summary = nil, nil, ""
				}
				ubo(append(append([]string{"ingest", sc.source}, firstFlags...), sc.first...)...)
				ubo("score", "--policy", sc.policy, "--as-of", snapDate1)
				before := verdict()
				if !strings.HasPrefix(before, "flagged ") {
					t.Fatalf("after the first snapshot %s is %s, want flagged", sc.entity, before)
				}

				_, stderr := ubo(append(append([]string{"ingest", sc.source}, secondFlags...), sc.second...)...)
				if want := summary + sc.retired; !strings.Contains(stderr, want) {
					t.Errorf("second ingest's summary lacks %q:\n%s", want, stderr)
				}
				ubo("score", "--policy", sc.policy, "--as-of", snapDate2)
				if got := verdict(); got != "CLEAR" {
					t.Errorf("after the second snapshot %s is %s, want CLEAR", sc.entity, got)
				}
				diff, _ := ubo("diff")
				if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sc.entity) + ` +` + strings.TrimPrefix(before, "flagged ") + ` +CLEAR\s*$`).MatchString(diff) {
					t.Errorf("diff does not list %s %s → CLEAR:\n%s", sc.entity, before, diff)
				}

				ubo("score", "--policy", sc.policy, "--as-of", snapDate1)
				if got := verdict(); got != before {
					t.Errorf("scored as of %s after the second snapshot, %s is %s, want %s", snapDate1, sc.entity, got, before)
				}
			})
		}
	}
}

// TestInterruptedSnapshotRetiresNothing: a snapshot whose input fails part
// way (a truncated .gz, after batches were committed) ends nothing, and the
// next complete snapshot retires exactly what it lacks.
func TestInterruptedSnapshotRetiresNothing(t *testing.T) {
	dir := t.TempDir()
	chinese := pscLine("LiPsc1", "Li Example", "Chinese", "ownership-of-shares-75-to-100-percent")
	british := pscLine("AnnPsc2", "Ann Sample", "British", "significant-influence-or-control")
	var others strings.Builder // more than a batch, so some are written before the cut
	for i := range 3000 {
		others.WriteString(strings.ReplaceAll(british, "01000001", fmt.Sprintf("02%06d", i)))
	}
	first := filepath.Join(dir, "psc-1.txt")
	second := filepath.Join(dir, "psc-2.txt")
	cut := filepath.Join(dir, "psc-2.txt.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(british + others.String()))
	zw.Close()
	for name, content := range map[string][]byte{
		first:  []byte(chinese + british),
		second: []byte(british + others.String()),
		cut:    gz.Bytes()[:gz.Len()*2/3],
	} {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const company = "gb-coh:01000001"
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			ubo := func(want int, args ...string) string {
				t.Helper()
				code, stdout, stderr := runUbo(t, append([]string{"--db", db}, args...)...)
				if code != want {
					t.Fatalf("ubo %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
				}
				return stdout + stderr
			}
			verdict := func(asOf string) string {
				t.Helper()
				ubo(0, "score", "--as-of", asOf)
				out := ubo(0, "explain", company, "--json")
				var x struct {
					Result struct {
						Verdict string `json:"verdict"`
					} `json:"result"`
				}
				if err := json.Unmarshal([]byte(out), &x); err != nil {
					t.Fatalf("explain --json: %v: %s", err, out)
				}
				return x.Result.Verdict
			}
			ubo(0, "ingest", "psc", "--snapshot", "--snapshot-date", snapDate1, first)
			flagged := verdict(snapDate1)
			if flagged == "CLEAR" {
				t.Fatalf("after the first snapshot %s is CLEAR", company)
			}
			out := ubo(exitFailure, "ingest", "psc", "--snapshot", "--snapshot-date", snapDate2, cut)
			if strings.Contains(out, "snapshot of") || !strings.Contains(out, "FAILED part way") {
				t.Errorf("an interrupted snapshot says:\n%s", out)
			}
			if got := verdict(snapDate2); got != flagged {
				t.Errorf("after an interrupted snapshot %s is %s, want %s (nothing retired)", company, got, flagged)
			}
			out = ubo(0, "ingest", "psc", "--snapshot", "--snapshot-date", snapDate2, second)
			if !strings.Contains(out, "snapshot of "+snapDate2+": ended 1 relationship(s), 1 entity(ies) inactive") {
				t.Errorf("the complete snapshot says:\n%s", out)
			}
			if got := verdict(snapDate2); got != "CLEAR" {
				t.Errorf("after the complete snapshot %s is %s, want CLEAR", company, got)
			}
		})
	}
}

func TestSnapshotFlagsUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "psc.txt")
	if err := os.WriteFile(in, []byte(pscLine("A", "Ann Sample", "British", "significant-influence-or-control")), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "ubo.db")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"date without --snapshot", []string{"--snapshot-date", "2026-11-02"}, "--snapshot-date needs --snapshot"},
		{"not a date", []string{"--snapshot", "--snapshot-date", "02/11/2026"}, `--snapshot-date "02/11/2026": want a date like 2026-11-02`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runUbo(t, append(append([]string{"--db", db, "ingest", "psc"}, tc.args...), in)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a usage error opened the store")
	}
}

// TestSnapshotRetiresDroppedNamesAndIdentifiers: an alias and an
// identifier a source's snapshot gave an entity and its next snapshot does
// not are retired, on both stores: `ubo search` and `ubo screen` stop
// finding the entity by them, and still find it by the name it keeps.
func TestSnapshotRetiresDroppedNamesAndIdentifiers(t *testing.T) {
	write := fileWriter(t)
	company := func(props map[string][]string) string {
		return ftmLine("NK-A", "Aldebaran Shipping Ltd", "Company", props, []string{"ubo_fixture"}, false)
	}
	first := write("ftm-1.json", company(map[string][]string{"name": {"Aldebaran Shipping Ltd"},
		"alias": {"Zephyrine Maritime"}, "leiCode": {"5493001KJTIIGC8Y1R12"}, "jurisdiction": {"ru"}}))
	second := write("ftm-2.json", company(map[string][]string{"name": {"Aldebaran Shipping Ltd"}, "jurisdiction": {"ru"}}))
	customers := write("customers.csv", "customer_id,name,country,identifiers\n"+
		"by-alias,Zephyrine Maritime,,\n"+
		"by-identifier,Quite Another Name,,XI-LEI:5493001KJTIIGC8Y1R12\n"+
		"by-name,Aldebaran Shipping Ltd,,\n")
	const entity = "ftm:NK-A"
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			ubo := succeedingUbo(t, db)
			found := func(text string) bool {
				t.Helper()
				out, _ := ubo("search", text, "--json")
				return strings.Contains(out, `"`+entity+`"`)
			}
			// screened is the entity each customer matched ("" when none).
			screened := func() map[string]string {
				t.Helper()
				out, _ := ubo("screen", customers)
				got := map[string]string{}
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var row struct {
						CustomerID string `json:"customer_id"`
						Status     string `json:"status"`
						EntityID   string `json:"entity_id"`
					}
					if err := json.Unmarshal([]byte(line), &row); err != nil {
						t.Fatalf("screen row %q: %v", line, err)
					}
					if row.Status == "MATCHED" {
						got[row.CustomerID] = row.EntityID
					}
				}
				return got
			}
			st := func() []string {
				t.Helper()
				es, err := openTestStore(t, db).EntitiesByIdentifier(context.Background(), "XI-LEI:5493001KJTIIGC8Y1R12")
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, e := range es {
					ids = append(ids, e.ID)
				}
				return ids
			}

			ubo("ingest", "ftm", "--snapshot", "--snapshot-date", snapDate1, first)
			ubo("score", "--as-of", snapDate1)
			if !found("Zephyrine Maritime") || !found("Aldebaran Shipping") {
				t.Fatalf("after the first snapshot search does not find %s by its alias and name", entity)
			}
			if got := screened(); got["by-alias"] != entity || got["by-identifier"] != entity || got["by-name"] != entity {
				t.Fatalf("after the first snapshot screening matched %v, want every customer to %s", got, entity)
			}
			if ids := st(); len(ids) != 1 || ids[0] != entity {
				t.Fatalf("after the first snapshot the identifier finds %v", ids)
			}

			_, stderr := ubo("ingest", "ftm", "--snapshot", "--snapshot-date", snapDate2, second)
			if want := "1 alias(es) and 1 identifier(s) retired"; !strings.Contains(stderr, want) {
				t.Errorf("second ingest's summary lacks %q:\n%s", want, stderr)
			}
			ubo("score", "--as-of", snapDate2)
			if found("Zephyrine Maritime") {
				t.Errorf("search still finds %s by the alias the second snapshot dropped", entity)
			}
			if !found("Aldebaran Shipping") {
				t.Errorf("search no longer finds %s by its name", entity)
			}
			got := screened()
			if got["by-alias"] == entity || got["by-identifier"] == entity || got["by-name"] != entity {
				t.Errorf("after the second snapshot screening matched %v; want only by-name to %s", got, entity)
			}
			if ids := st(); len(ids) != 0 {
				t.Errorf("after the second snapshot the dropped identifier finds %v", ids)
			}
			// Another snapshot without them retires nothing more.
			_, stderr = ubo("ingest", "ftm", "--snapshot", "--snapshot-date", snapDate2, second)
			if want := "0 alias(es) and 0 identifier(s) retired"; !strings.Contains(stderr, want) {
				t.Errorf("third ingest's summary lacks %q:\n%s", want, stderr)
			}
		})
	}
}
