package bods

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// header holds the fields that identify a statement in every version. The
// 0.2/0.3 "statementID" and the 0.4 "statementId" both land in StatementID
// (encoding/json matches keys case-insensitively).
type header struct {
	StatementID        string          `json:"statementID"`
	StatementDate      string          `json:"statementDate"`
	StatementType      string          `json:"statementType"` // 0.2/0.3
	ReplacesStatements []string        `json:"replacesStatements"`
	RecordID           string          `json:"recordId"` // 0.4
	RecordType         string          `json:"recordType"`
	RecordStatus       string          `json:"recordStatus"`
	RecordDetails      json.RawMessage `json:"recordDetails"`
	PublicationDetails struct {
		BODSVersion json.RawMessage `json:"bodsVersion"`
		Publisher   struct {
			Name string `json:"name"`
		} `json:"publisher"`
	} `json:"publicationDetails"` // 0.4
	Annotations []annotation `json:"annotations"`
}

// annotation is the part of a 0.4 annotation we read: the custom property
// "uboAttributes" that `ubo export --format bods` writes for the entity
// fields BODS has no place for.
type annotation struct {
	UBOAttributes *struct {
		StateOwned bool     `json:"stateOwned"`
		Lists      []string `json:"lists"`
	} `json:"uboAttributes"`
}

// details is the union of the entity, person and relationship fields of all
// three versions: 0.2/0.3 carry them at the top level of the statement,
// 0.4 inside recordDetails.
type details struct {
	// entity
	EntityType                 json.RawMessage `json:"entityType"` // 0.2/0.3 string; 0.4 {type, subtype}
	Name                       string          `json:"name"`
	AlternateNames             []string        `json:"alternateNames"`
	Jurisdiction               *jurisdiction   `json:"jurisdiction"`               // 0.3, 0.4
	IncorporatedInJurisdiction *jurisdiction   `json:"incorporatedInJurisdiction"` // 0.2
	Identifiers                []identifier    `json:"identifiers"`
	Addresses                  []address       `json:"addresses"`

	// person
	PersonType       string         `json:"personType"`
	Names            []personName   `json:"names"`
	Nationalities    []countryValue `json:"nationalities"`
	PlaceOfResidence *address       `json:"placeOfResidence"` // 0.2/0.3

	// relationship
	Subject         json.RawMessage `json:"subject"`
	InterestedParty json.RawMessage `json:"interestedParty"`
	Interests       []interest      `json:"interests"`
}

type jurisdiction struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

type identifier struct {
	ID         string `json:"id"`
	Scheme     string `json:"scheme"`
	SchemeName string `json:"schemeName"`
}

type address struct {
	Type    string       `json:"type"`
	Country countryValue `json:"country"`
}

type personName struct {
	Type       string `json:"type"`
	FullName   string `json:"fullName"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// countryValue is a country given as a bare code (0.2/0.3 addresses) or as
// an object {name, code} (nationalities, 0.4 addresses).
type countryValue struct {
	Name string
	Code string
}

func (c *countryValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.Code)
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var o struct {
		Name string `json:"name"`
		Code string `json:"code"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	c.Name, c.Code = o.Name, o.Code
	return nil
}

type interest struct {
	Type             string     `json:"type"`
	DirectOrIndirect string     `json:"directOrIndirect"` // 0.3, 0.4
	InterestLevel    string     `json:"interestLevel"`    // 0.2
	Details          string     `json:"details"`
	Share            *shareJSON `json:"share"`
	StartDate        string     `json:"startDate"`
	EndDate          string     `json:"endDate"`
}

// shareJSON keeps the exclusivity fields raw: booleans in 0.2/0.3 (flags on
// minimum/maximum), numbers in 0.4 (bounds of their own).
type shareJSON struct {
	Exact            *float64        `json:"exact"`
	Minimum          *float64        `json:"minimum"`
	Maximum          *float64        `json:"maximum"`
	ExclusiveMinimum json.RawMessage `json:"exclusiveMinimum"`
	ExclusiveMaximum json.RawMessage `json:"exclusiveMaximum"`
}

// entityType0_4 is the 0.4 entityType object.
type entityType0_4 struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
}

// entityTypeCode reads entityType in either shape; "" when absent.
func entityTypeCode(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var o entityType0_4
	if err := json.Unmarshal(raw, &o); err != nil {
		return "", fmt.Errorf("want a string or {\"type\": ...}: %w", err)
	}
	return o.Type, nil
}

// party is a 0.2/0.3 subject or interested party, or the unspecified-record
// object of 0.4.
type party struct {
	DescribedByEntityStatement string       `json:"describedByEntityStatement"`
	DescribedByPersonStatement string       `json:"describedByPersonStatement"`
	Unspecified                *unspecified `json:"unspecified"`
	// 0.4 UnspecifiedRecord fields, when the party is an object.
	Reason string `json:"reason"`
}

type unspecified struct {
	Reason string `json:"reason"`
}
