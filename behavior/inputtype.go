package behavior

// InputType is the inputType of a beforeinput or input event (Input Events
// Level 2). Values the package does not know decode as InputOther.
type InputType uint8

// Input types. InputNone is an event with no inputType (a plain Event, as
// Chrome's autofill and page scripts dispatch); the others are named after
// the inputType they stand for.
const (
	InputNone InputType = iota
	InputOther
	InputInsertText
	InputInsertReplacementText
	InputInsertLineBreak
	InputInsertParagraph
	InputInsertFromYank
	InputInsertFromDrop
	InputInsertFromPaste
	InputInsertFromPasteAsQuotation
	InputInsertTranspose
	InputInsertCompositionText
	InputInsertLink
	InputDeleteWordBackward
	InputDeleteWordForward
	InputDeleteSoftLineBackward
	InputDeleteSoftLineForward
	InputDeleteEntireSoftLine
	InputDeleteHardLineBackward
	InputDeleteHardLineForward
	InputDeleteByDrag
	InputDeleteByCut
	InputDeleteContent
	InputDeleteContentBackward
	InputDeleteContentForward
	InputDeleteCompositionText
	InputHistoryUndo
	InputHistoryRedo
	numInputTypes
)

var inputTypeNames = [numInputTypes]string{
	InputNone:                       "",
	InputOther:                      "other",
	InputInsertText:                 "insertText",
	InputInsertReplacementText:      "insertReplacementText",
	InputInsertLineBreak:            "insertLineBreak",
	InputInsertParagraph:            "insertParagraph",
	InputInsertFromYank:             "insertFromYank",
	InputInsertFromDrop:             "insertFromDrop",
	InputInsertFromPaste:            "insertFromPaste",
	InputInsertFromPasteAsQuotation: "insertFromPasteAsQuotation",
	InputInsertTranspose:            "insertTranspose",
	InputInsertCompositionText:      "insertCompositionText",
	InputInsertLink:                 "insertLink",
	InputDeleteWordBackward:         "deleteWordBackward",
	InputDeleteWordForward:          "deleteWordForward",
	InputDeleteSoftLineBackward:     "deleteSoftLineBackward",
	InputDeleteSoftLineForward:      "deleteSoftLineForward",
	InputDeleteEntireSoftLine:       "deleteEntireSoftLine",
	InputDeleteHardLineBackward:     "deleteHardLineBackward",
	InputDeleteHardLineForward:      "deleteHardLineForward",
	InputDeleteByDrag:               "deleteByDrag",
	InputDeleteByCut:                "deleteByCut",
	InputDeleteContent:              "deleteContent",
	InputDeleteContentBackward:      "deleteContentBackward",
	InputDeleteContentForward:       "deleteContentForward",
	InputDeleteCompositionText:      "deleteCompositionText",
	InputHistoryUndo:                "historyUndo",
	InputHistoryRedo:                "historyRedo",
}

// String returns the inputType spelling ("" for InputNone, "other" for
// InputOther).
func (t InputType) String() string {
	if t < numInputTypes {
		return inputTypeNames[t]
	}
	return "other"
}

// ParseInputType returns the InputType for an inputType string: InputNone
// for "", InputOther for anything unknown.
func ParseInputType(s string) InputType { return parseInputType([]byte(s)) }

func parseInputType(b []byte) InputType {
	if len(b) == 0 {
		return InputNone
	}
	for i := InputInsertText; i < numInputTypes; i++ {
		if string(b) == inputTypeNames[i] {
			return i
		}
	}
	return InputOther
}
