package config

import (
	"fmt"
	"strings"
)

// FieldError is one problem with one field. Load and Validate return these,
// joined with errors.Join, so a caller can show every problem at once or
// pick them apart with errors.As.
type FieldError struct {
	Source string // file the field came from ("-" is stdin, "" the default)
	Field  string // path such as nodes[1].extraPortMappings[0].hostPort
	Line   int    // line in Source, 0 when not known
	Msg    string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(sourcePrefix(e.Source))
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	return b.String()
}

// UnknownFieldError is a field that kind's schema (or kina's Settings) does
// not have: usually a typo, which kind also rejects.
type UnknownFieldError struct {
	Source     string
	Field      string // full path of the unknown field
	Line       int
	Suggestion string // a known field with a similar name, if any
}

func (e *UnknownFieldError) Error() string {
	msg := fmt.Sprintf("%sunknown field %q", sourcePrefix(e.Source), e.Field)
	if e.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", e.Line)
	}
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg
}

// sourcePrefix names the file in messages so that errors from a settings
// file and from the kind file cannot be confused.
func sourcePrefix(source string) string {
	switch source {
	case "":
		return "config: "
	case "-":
		return "config <stdin>: "
	default:
		return fmt.Sprintf("config %q: ", source)
	}
}
