package maptile

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// Invented names. A name is a stem that sounds like a place name but is not
// one, joined with a kind word: "솔담역", "카페 은결", "Tullmere Station",
// "Cafe Sarkwick". Stems are built from syllable pools chosen to sound
// plausible; stems and names of well-known real places are rejected, as is
// any name the host or the map source reports as real.

// Korean stem syllables, all within the 2,350 KS X 1001 syllables.
var (
	koFirst  = strings.Fields("가 강 고 구 금 기 나 난 남 노 누 다 단 달 담 도 동 두 라 란 로 루 마 매 명 모 목 무 미 민 바 반 벽 보 봄 부 비 빛 사 새 샘 서 선 설 소 솔 송 수 시 아 안 여 연 영 예 오 온 옥 우 운 원 유 윤 은 이 인 자 재 정 조 주 지 진 차 찬 채 청 초 추 태 파 풀 하 한 해 햇 향 현 호 화 효 휘 희")
	koSecond = strings.Fields("가 결 곡 골 내 누 늘 다 담 돌 들 뜰 라 람 래 랑 루 리 린 림 마 미 밀 바 봄 빛 뫼 새 샘 서 설 섬 솔 송 숲 실 아 안 여 연 울 월 윤 은 음 이 재 주 지 진 채 초 터 하 함 향 호 화 휘 흔 희")
	koMiddle = strings.Fields("가 나 다 라 마 바 사 아 자 하 누 루 리 미 소 솔 빛 은 별 새")
)

// English stem parts. Prefixes are unusual on purpose so that combinations
// rarely name a real town.
var (
	enPrefix = strings.Fields("Brav Calv Dres Elv Farr Gann Hask Ilv Jess Kerr Lusk Marr Nesb Orv Pask Quarr Riss Sark Tull Ulv Vark Wess Yorr Zenn Brel Cask Dorn Fenn Grell Hollen Kest Lorn Mabb Nell Osk Pell Rav Sib Thal Vess Wick Brin Corv Dun Ell Garv Kell Merr Orl Quen Tarn Wyn Yar Zel")
	enSuffix = strings.Fields("mere wick by stead holt combe ley ford thorpe ham brook dale field gate hurst more ridge ton vale well worth wood bury den haven moor croft shaw")
)

// bannedStems are stems of well-known real places that the pools could
// produce; names built on them are never used.
var bannedStems = makeBannedStems()

func makeBannedStems() map[string]bool {
	bannedStems := make(map[string]bool)
	// Seoul districts and neighbourhoods, large Korean cities, and the
	// English stems of places such combinations can spell.
	for _, s := range strings.Fields(`강남 강동 강북 강서 관악 광진 구로 금천 노원 도봉 동대 동작 마포 서대
		서초 성동 성북 송파 양천 영등 용산 은평 종로 중구 중랑 남산 북한 한강 명동 신촌 홍대 이태 잠실
		여의 시청 을지 공덕 합정 당산 수원 부산 인천 대구 대전 광주 울산 세종 제주 청주 전주 포항 창원
		가평 고양 과천 구리 군포 김포 남양 동두 부천 성남 시흥 안산 안성 안양 양주 여주 오산 의왕 의정
		이천 파주 평택 하남 화성 춘천 원주 강릉 속초 천안 아산 서산 목포 여수 순천 경주 안동 구미 진주
		통영 김해 양산 거제 대림 신림 봉천 사당 방배 논현 역삼 삼성 선릉 청담 압구 신사 한남 이촌 서빙
		아현 공덕 대흥 염리 신수 도화 용강 마장 왕십 행당 금호 옥수 약수 동묘 창신 혜화 성수 건대
		구의 천호 길동 둔촌 오금 가락 문정 장지 복정 수서 일원 개포 대치 도곡 양재 내곡 우면 서래 반포
		잠원 동작 노량 상도 흑석 보라 대방 신길 당산 문래 양평 목동 신정 화곡 가양 등촌 방화 개화 김포
		마곡 발산 우장 신월 오류 개봉 고척 가산 독산 시흥 광명 철산 하안 소하 일직 인덕 의왕 수지 기흥
		영통 권선 팔달 장안 매탄 원천 이의 광교 동탄 병점 세류 서둔 율전 정자 천천 조원 파장 송죽 연무
		솔내 은하 하늘 푸른 한빛 새빛 한솔 가람 나래 누리 다솜 라온 마루 미리 바다 보람 새롬 소리 아라
		하람 한울 햇살 희망 사랑 행복 평화 중앙 제일 우리 한국 대한 동양 서울 경기 남부 북부 동부 서부`) {
		bannedStems[s] = true
	}
	for _, s := range strings.Fields(`Ashford Bradford Stamford Hartford Oxford Bedford Wickham Ellwood Dunmore Tarnbrook
		Kerrmore Wickford Tarnwood Dunford Dunbury Wickwood Ellbrook Wyndham Dunham Dunwood Dunstead Orford Ravenwood
		Ravensworth Ravenhurst Ravenscroft Dunstable Tullmore Dundale Wickmere Quenby Kellwood Ellesmere Yarmouth`) {
		bannedStems[strings.ToLower(s)] = true
	}
	return bannedStems
}

// namer invents the names of one map. It is owned by one render.
type namer struct {
	lang     string
	rng      *rand.Rand
	reserved func(string) bool
	used     map[string]bool // normalised stems and names already on the map
}

func newNamer(lang string, rng *rand.Rand, reserved func(string) bool) *namer {
	return &namer{lang: lang, rng: rng, reserved: reserved, used: make(map[string]bool)}
}

// normName folds a name for comparisons: lower case, letters and digits only.
func normName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func (n *namer) pick(list []string) string { return list[n.rng.IntN(len(list))] }

// stem invents a fresh stem not yet used on this map.
func (n *namer) stem() string {
	for try := 0; ; try++ {
		var s string
		if n.lang == "ko" {
			s = n.pick(koFirst)
			if n.rng.IntN(6) == 0 {
				s += n.pick(koMiddle)
			}
			s += n.pick(koSecond)
			if []rune(s)[0] == []rune(s)[len([]rune(s))-1] {
				continue
			}
		} else {
			s = n.pick(enPrefix) + n.pick(enSuffix)
			if strings.Contains(s, "ll"+"l") || strings.Contains(s, "rrr") {
				continue
			}
		}
		k := normName(s)
		if bannedStems[k] || (n.used[k] && try < 200) {
			continue
		}
		if rs := []rune(k); n.lang == "ko" && len(rs) > 2 && bannedStems[string(rs[:2])] {
			continue
		}
		n.used[k] = true
		return s
	}
}

// accept records name as used if it is fresh and not real.
func (n *namer) accept(name string) bool {
	k := normName(name)
	if n.used["name:"+k] || (n.reserved != nil && n.reserved(name)) {
		return false
	}
	n.used["name:"+k] = true
	return true
}

// numbered appends a number to a name once many tries found only used or
// reserved names, so that inventing a name always ends.
func (n *namer) numbered(name string, try int) string {
	if try < 100 {
		return name
	}
	return name + " " + strconv.Itoa(2+try/10+n.rng.IntN(9))
}

type kindWords struct {
	koPre, koPost, enPre, enPost []string
}

// placeWords gives, per PlaceKind, the words put before or after a stem.
// A name uses one "pre" word or one "post" word; empty strings in a list
// mean "none".
var placeWords = [numPlaceKinds]kindWords{
	PlaceCafe:       {koPre: []string{"카페 ", "카페 "}, koPost: []string{" 커피", "다방"}, enPre: []string{"Cafe ", "Cafe "}, enPost: []string{" Coffee", " Roasters"}},
	PlaceRestaurant: {koPost: []string{"식당", "분식", "국수", "한식당", "칼국수"}, enPost: []string{" Kitchen", " Diner", " Grill", " Noodle Bar"}},
	PlaceBakery:     {koPost: []string{"베이커리", "제과", "빵집"}, enPost: []string{" Bakery", " Bakehouse"}},
	PlaceStation:    {koPost: []string{"역"}, enPost: []string{" Station"}},
	PlaceSchool:     {koPost: []string{"초등학교", "중학교", "고등학교", "초교"}, enPost: []string{" School", " Elementary", " High School"}},
	PlaceMarket:     {koPost: []string{"시장", "전통시장"}, enPost: []string{" Market"}},
	PlaceStore:      {koPost: []string{"마트", "상회", "문구", "서점"}, enPost: []string{" Mart", " Grocery", " Books"}},
	PlacePark:       {koPost: []string{"공원", "근린공원", "어린이공원"}, enPost: []string{" Park", " Gardens", " Green"}},
	PlaceHospital:   {koPost: []string{"병원", "의원", "한의원"}, enPost: []string{" Hospital", " Clinic"}},
	PlacePharmacy:   {koPost: []string{"약국"}, enPost: []string{" Pharmacy"}},
	PlaceLibrary:    {koPost: []string{"도서관", "작은도서관"}, enPost: []string{" Library"}},
	PlaceMuseum:     {koPost: []string{"미술관", "박물관", "갤러리"}, enPost: []string{" Museum", " Gallery"}},
	PlaceHotel:      {koPre: []string{"호텔 "}, koPost: []string{"호텔", "게스트하우스"}, enPre: []string{"Hotel "}, enPost: []string{" Inn", " Hotel"}},
	PlacePostOffice: {koPost: []string{"우체국"}, enPost: []string{" Post Office"}},
	PlaceChurch:     {koPost: []string{"교회", "성당"}, enPost: []string{" Church", " Chapel"}},
}

func (n *namer) compose(stem string, pre, post []string) string {
	total := len(pre) + len(post)
	i := n.rng.IntN(total)
	if i < len(pre) {
		return pre[i] + stem
	}
	return stem + post[i-len(pre)]
}

// place invents a place name of the given kind.
func (n *namer) place(kind PlaceKind) string {
	w := placeWords[kind%numPlaceKinds]
	for try := 0; ; try++ {
		var name string
		if n.lang == "ko" {
			name = n.compose(n.stem(), w.koPre, w.koPost)
		} else {
			name = n.compose(n.stem(), w.enPre, w.enPost)
		}
		name = n.numbered(name, try)
		if n.accept(name) {
			return name
		}
	}
}

// street invents a street name.
func (n *namer) street() string {
	for try := 0; ; try++ {
		var name string
		if n.lang == "ko" {
			s := n.stem()
			switch n.rng.IntN(5) {
			case 0:
				name = s + "대로"
			case 1:
				name = s + "길"
			case 2:
				name = s + "로" + strconv.Itoa(2+n.rng.IntN(38)) + "길"
			default:
				name = s + "로"
			}
		} else {
			name = n.compose(n.stem(), nil, []string{" Street", " St", " Road", " Rd", " Avenue", " Ave", " Lane", " Way"})
		}
		name = n.numbered(name, try)
		if n.accept(name) {
			return name
		}
	}
}

// water invents the name of a river or stream.
func (n *namer) water() string {
	for try := 0; ; try++ {
		var name string
		if n.lang == "ko" {
			name = n.compose(n.stem(), nil, []string{"천", "강"})
		} else {
			name = n.compose(n.stem(), nil, []string{" River", " Creek", " Canal"})
		}
		name = n.numbered(name, try)
		if n.accept(name) {
			return name
		}
	}
}

// fragment makes watermark text: short runs of letters that look like the
// pieces of a label. It never equals a used name.
func (n *namer) fragment() string {
	for try := 0; ; try++ {
		var s string
		if n.lang == "ko" {
			k := 2 + n.rng.IntN(3)
			for i := 0; i < k; i++ {
				if i%2 == 0 {
					s += n.pick(koFirst)
				} else {
					s += n.pick(koSecond)
				}
			}
			if n.rng.IntN(3) == 0 {
				s = s[:len(s)-len(string([]rune(s)[len([]rune(s))-1:]))] + " " + n.pick(koSecond)
			}
		} else {
			p := n.pick(enPrefix) + n.pick(enSuffix)
			i := n.rng.IntN(max(1, len(p)-3))
			s = p[i:min(len(p), i+3+n.rng.IntN(4))]
			switch n.rng.IntN(4) {
			case 0:
				s = strings.ToUpper(s)
			case 1:
				s = strings.ToUpper(s[:1]) + s[1:]
			case 2:
				s += " " + strconv.Itoa(1+n.rng.IntN(99))
			}
		}
		s = n.numbered(s, try)
		if n.accept(s) {
			return s
		}
	}
}
