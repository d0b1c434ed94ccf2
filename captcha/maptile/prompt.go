package maptile

import "fmt"

// promptText is the question for a marker style in lang ("en" or "ko").
func promptText(lang string, style MarkerStyle, mc markColour, number int) string {
	if lang == "ko" {
		switch style {
		case MarkerPin:
			return fmt.Sprintf("%s 핀이 가리키는 장소의 이름을 입력하세요.", mc.ko)
		case MarkerNumber:
			return fmt.Sprintf("숫자 %d 표시가 있는 장소의 이름을 입력하세요.", number)
		case MarkerBuilding:
			return fmt.Sprintf("%s으로 칠해진 건물의 이름을 입력하세요.", mc.ko)
		default:
			return fmt.Sprintf("%s으로 표시된 도로의 이름을 입력하세요.", mc.ko)
		}
	}
	switch style {
	case MarkerPin:
		return fmt.Sprintf("Type the name of the place under the %s pin.", mc.en)
	case MarkerNumber:
		return fmt.Sprintf("Type the name of the place marked with the number %d.", number)
	case MarkerBuilding:
		return fmt.Sprintf("Type the name of the building highlighted in %s.", mc.en)
	default:
		return fmt.Sprintf("Type the name of the street highlighted in %s.", mc.en)
	}
}
