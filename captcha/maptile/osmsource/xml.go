package osmsource

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// decodeXML reads an .osm XML document into c: its bounds, nodes, ways and
// relations wherever they are in the document (the API's <osm> and the
// <create> and <modify> of an osmChange both hold them), each with its
// direct <tag>, <nd> and <member> children. Only the attributes the Source
// uses are read; the rest (versions, users, timestamps) are not checked.
func decodeXML(ctx context.Context, r io.Reader, c *collector) error {
	rr := &recordingReader{r: r}
	x := xmlReader{d: xml.NewDecoder(rr), c: c, r: rr}
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("osmsource: %w", ctx.Err())
		}
		tok, err := x.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return x.fail(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "bounds":
			var b bounds
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "minlat":
					b.minLat, err = x.float(se, a)
				case "maxlat":
					b.maxLat, err = x.float(se, a)
				case "minlon":
					b.minLon, err = x.float(se, a)
				case "maxlon":
					b.maxLon, err = x.float(se, a)
				}
				if err != nil {
					return x.fail(err)
				}
			}
			c.raw.bounds = &b
			err = x.d.Skip()
		case "node", "way", "relation":
			err = x.element(se)
		case "changeset", "note", "user":
			// Their contents are not map data.
			err = x.d.Skip()
		}
		if err != nil {
			return x.fail(err)
		}
	}
}

// xmlReader holds the decoder and the scratch space of decodeXML.
type xmlReader struct {
	d    *xml.Decoder
	c    *collector
	r    *recordingReader
	tags tags
}

// recordingReader keeps the error of the reader under the XML decoder, which
// tells a failure to read from a document that does not parse.
type recordingReader struct {
	r   io.Reader
	err error
}

func (r *recordingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// element reads one node, way or relation, from its start element se to
// its end.
func (x *xmlReader) element(se xml.StartElement) error {
	kind := se.Name.Local
	var (
		id       int64
		lat, lon float64
		err      error
	)
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "id":
			id, err = x.int(se, a)
		case "lat":
			if kind == "node" {
				lat, err = x.float(se, a)
			}
		case "lon":
			if kind == "node" {
				lon, err = x.float(se, a)
			}
		}
		if err != nil {
			return err
		}
	}
	x.tags = x.tags[:0]
	var (
		refs    []int64
		members []member
	)
	for {
		tok, err := x.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			switch kind {
			case "node":
				return x.c.node(id, lat, lon, x.tags)
			case "way":
				x.c.way(id, refs, x.tags)
			default:
				x.c.relation(id, members, x.tags)
			}
			return nil
		case xml.StartElement:
			child := t.Name.Local
			switch {
			case child == "tag":
				if err := x.c.reserve(1); err != nil {
					return err
				}
				var tg tag
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "k":
						tg.key = x.c.internString(a.Value)
					case "v":
						tg.value = x.c.internString(a.Value)
					}
				}
				x.tags = append(x.tags, tg)
			case child == "nd" && kind == "way":
				if err := x.c.reserve(1); err != nil {
					return err
				}
				var ref int64
				for _, a := range t.Attr {
					if a.Name.Local == "ref" {
						if ref, err = x.int(t, a); err != nil {
							return err
						}
					}
				}
				refs = append(refs, ref)
			case child == "member" && kind == "relation":
				if err := x.c.reserve(1); err != nil {
					return err
				}
				m := member{typ: memberOther}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "type":
						switch a.Value {
						case "node":
							m.typ = memberNode
						case "way":
							m.typ = memberWay
						case "relation":
							m.typ = memberRelation
						default:
							m.typ = memberOther
						}
					case "ref":
						if m.ref, err = x.int(t, a); err != nil {
							return err
						}
					case "role":
						m.role = x.c.internString(a.Value)
					}
				}
				members = append(members, m)
			}
			// The child's own children are not read.
			if err := x.d.Skip(); err != nil {
				return err
			}
		}
	}
}

// xmlAttrError is a number attribute that does not parse.
type xmlAttrError struct {
	line             int
	element, attr, v string
	err              error
}

func (e *xmlAttrError) Error() string {
	return fmt.Sprintf("line %d: <%s %s=%q>: %v", e.line, e.element, e.attr, e.v, e.err)
}

// int and float parse an attribute as encoding/xml would into an int64 or
// float64 field: empty is zero, surrounding space is allowed.
func (x *xmlReader) int(se xml.StartElement, a xml.Attr) (int64, error) {
	if a.Value == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(a.Value), 10, 64)
	if err != nil {
		return 0, x.attrError(se, a, err)
	}
	return v, nil
}

func (x *xmlReader) float(se xml.StartElement, a xml.Attr) (float64, error) {
	if a.Value == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(a.Value), 64)
	if err != nil {
		return 0, x.attrError(se, a, err)
	}
	return v, nil
}

func (x *xmlReader) attrError(se xml.StartElement, a xml.Attr, err error) error {
	line, _ := x.d.InputPos()
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		err = ne.Err
	}
	return &xmlAttrError{line: line, element: se.Name.Local, attr: a.Name.Local, v: a.Value, err: err}
}

// fail classifies an error that stopped the decoder: a limit of the
// collector as it is, a failure of the reader as a failure to read, and
// anything else (bad XML, a bad number, a truncated document) as
// ErrMalformed.
func (x *xmlReader) fail(err error) error {
	switch {
	case errors.Is(err, ErrTooLarge):
		return err
	case x.r.err != nil && errors.Is(err, x.r.err):
		return fmt.Errorf("osmsource: read: %w", err)
	}
	return fmt.Errorf("%w: xml: %w", ErrMalformed, err)
}
