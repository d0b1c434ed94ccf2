package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// texts are the pages' strings in English and Korean.
var texts = map[string]map[string]string{
	"en": {
		"product":        "Haneul Cloud",
		"title":          "Sign in · Haneul Cloud",
		"tagline":        "Your team's files, notes and projects in one calm place.",
		"pitch1":         "Sign in once, pick up where your team left off.",
		"pitch2":         "Shared workspaces with permissions that make sense.",
		"pitch3":         "Protected by tollgate: a map check people pass and bots don't.",
		"heading":        "Sign in",
		"sub":            "Welcome back. Sign in to continue to your workspace.",
		"email":          "Email",
		"password":       "Password",
		"forgot":         "Forgot password?",
		"remember":       "Keep me signed in",
		"submit":         "Sign in",
		"demo":           "Demo account",
		"noAccount":      "New to Haneul Cloud?",
		"create":         "Create an account",
		"wrongPassword":  "That email and password don't match. Check them and try again.",
		"captchaAgain":   "Please complete the security check again.",
		"tooMany":        "Too many sign-in attempts. Please wait %d seconds and try again.",
		"tooMany1":       "Too many sign-in attempts. Please wait a second and try again.",
		"busy":           "We're very busy right now. Please try again in %d seconds.",
		"busy1":          "We're very busy right now. Please try again in a second.",
		"unavailable":    "Sign-in is temporarily unavailable. Please try again in a moment.",
		"otherLang":      "한국어",
		"otherLangCode":  "ko",
		"welcomeTitle":   "Welcome · Haneul Cloud",
		"welcome":        "Welcome back, %s",
		"signedInAs":     "Signed in as",
		"since":          "Session started",
		"signOut":        "Sign out",
		"workspace":      "Your workspace",
		"recent":         "Recent files",
		"file1":          "Quarterly plan.docx",
		"file2":          "Design review notes",
		"file3":          "Team offsite photos",
		"footerPrivacy":  "Privacy",
		"footerTerms":    "Terms",
		"statusTitle":    "Status · tollgate",
		"statusHeading":  "tollgate status",
		"statusSub":      "What an operator watches. Refreshes every 5 seconds.",
		"loadLevel":      "Load level",
		"seats":          "Seats in use",
		"queued":         "Queued",
		"uptime":         "Uptime",
		"store":          "Store",
		"classes":        "Request classes",
		"class":          "Class",
		"criticality":    "Criticality",
		"admitted":       "Admitted",
		"shed":           "Shed",
		"rejected":       "Other rejections",
		"inFlight":       "In flight",
		"shedding":       "Shedding",
		"challenges":     "Challenges",
		"issued":         "Issued",
		"refreshed":      "Refreshed",
		"solved":         "Solved",
		"failedCh":       "Failed",
		"tokens":         "Tokens verified",
		"tokensRejected": "Tokens rejected",
		"poolReady":      "Pool ready",
		"verdicts":       "Behavior verdicts",
		"human":          "Human",
		"suspect":        "Suspect",
		"bot":            "Bot",
		"deceived":       "Deceived",
		"keyLimited":     "Limited (IP / account / challenge)",
		"recentVerdicts": "Recent verdicts",
		"time":           "Time",
		"client":         "Client",
		"verdict":        "Verdict",
		"score":          "Score",
		"reasons":        "Reasons",
		"none":           "Nothing yet.",
		"ownHidden":      "%d records about your own address are left out: this page never shows a client how it was judged.",
		"masked":         "Seen from outside this machine: addresses are cut to their /24 or /48, accounts shown as tags.",
		"recentLogins":   "Recent sign-ins",
		"account":        "Account",
		"outcome":        "Outcome",
		"yes":            "yes",
	},
	"ko": {
		"product":        "하늘 클라우드",
		"title":          "로그인 · 하늘 클라우드",
		"tagline":        "팀의 파일과 노트, 프로젝트를 한곳에서 차분하게.",
		"pitch1":         "한 번 로그인하면 팀이 하던 일을 바로 이어서.",
		"pitch2":         "알기 쉬운 권한으로 함께 쓰는 작업 공간.",
		"pitch3":         "tollgate 보호: 사람은 통과하고 봇은 막는 지도 확인.",
		"heading":        "로그인",
		"sub":            "다시 오신 것을 환영합니다. 작업 공간으로 계속하려면 로그인하세요.",
		"email":          "이메일",
		"password":       "비밀번호",
		"forgot":         "비밀번호를 잊으셨나요?",
		"remember":       "로그인 상태 유지",
		"submit":         "로그인",
		"demo":           "체험 계정",
		"noAccount":      "하늘 클라우드가 처음이신가요?",
		"create":         "계정 만들기",
		"wrongPassword":  "이메일과 비밀번호가 일치하지 않습니다. 확인 후 다시 시도하세요.",
		"captchaAgain":   "보안 확인을 다시 해 주세요.",
		"tooMany":        "로그인 시도가 너무 많습니다. %d초 후에 다시 시도하세요.",
		"tooMany1":       "로그인 시도가 너무 많습니다. 1초 후에 다시 시도하세요.",
		"busy":           "지금 요청이 많습니다. %d초 후에 다시 시도하세요.",
		"busy1":          "지금 요청이 많습니다. 1초 후에 다시 시도하세요.",
		"unavailable":    "로그인을 잠시 사용할 수 없습니다. 잠시 후 다시 시도하세요.",
		"otherLang":      "English",
		"otherLangCode":  "en",
		"welcomeTitle":   "환영합니다 · 하늘 클라우드",
		"welcome":        "%s님, 다시 오신 것을 환영합니다",
		"signedInAs":     "로그인 계정",
		"since":          "세션 시작",
		"signOut":        "로그아웃",
		"workspace":      "내 작업 공간",
		"recent":         "최근 파일",
		"file1":          "분기 계획.docx",
		"file2":          "디자인 리뷰 메모",
		"file3":          "팀 워크숍 사진",
		"footerPrivacy":  "개인정보처리방침",
		"footerTerms":    "이용약관",
		"statusTitle":    "상태 · tollgate",
		"statusHeading":  "tollgate 상태",
		"statusSub":      "운영자가 지켜보는 숫자입니다. 5초마다 새로 고칩니다.",
		"loadLevel":      "부하 수준",
		"seats":          "사용 중인 자리",
		"queued":         "대기",
		"uptime":         "가동 시간",
		"store":          "저장소",
		"classes":        "요청 등급",
		"class":          "등급",
		"criticality":    "중요도",
		"admitted":       "허용",
		"shed":           "차단(부하)",
		"rejected":       "기타 거절",
		"inFlight":       "처리 중",
		"shedding":       "차단 중",
		"challenges":     "문제",
		"issued":         "발급",
		"refreshed":      "새 문제",
		"solved":         "통과",
		"failedCh":       "실패",
		"tokens":         "토큰 확인",
		"tokensRejected": "토큰 거절",
		"poolReady":      "준비된 문제",
		"verdicts":       "행동 판정",
		"human":          "사람",
		"suspect":        "의심",
		"bot":            "봇",
		"deceived":       "속임 응답",
		"keyLimited":     "제한 (IP / 계정 / 문제)",
		"recentVerdicts": "최근 판정",
		"time":           "시각",
		"client":         "클라이언트",
		"verdict":        "판정",
		"score":          "점수",
		"reasons":        "이유",
		"none":           "아직 없습니다.",
		"ownHidden":      "지금 보는 주소에 관한 기록 %d건은 뺐습니다. 이 페이지는 클라이언트에게 자신이 어떻게 판정되었는지 보여 주지 않습니다.",
		"masked":         "이 컴퓨터 밖에서 보고 있어 주소는 /24 또는 /48까지만, 계정은 태그로 보여 줍니다.",
		"recentLogins":   "최근 로그인 시도",
		"account":        "계정",
		"outcome":        "결과",
		"yes":            "예",
	},
}

func textsFor(lang string) map[string]string {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts["en"]
}

// pages renders the HTML pages.
type pages struct{ tmpl *template.Template }

func newPages() (*pages, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"printf": fmt.Sprintf,
		"clock":  func(t time.Time) string { return t.Format("15:04:05") },
		"pct":    func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"join":   strings.Join,
	}).ParseFS(webFiles, "web/*.html")
	if err != nil {
		return nil, err
	}
	return &pages{tmpl: t}, nil
}

func (p *pages) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type loginData struct {
	Lang         string
	T            map[string]string
	Email        string
	Error        string // key in texts
	CaptchaError string // key in texts, announced by the widget
	RetryAfter   int
	Demo         string
	DemoPassword string
	Message      string
	CaptchaMsg   string
	Mode         string        // the widget's data-tollgate-mode
	NoScript     template.HTML // the Gate's challenge for browsers without JavaScript
}

func (p *pages) login(w http.ResponseWriter, _ *http.Request, status int, d loginData) {
	d.T = textsFor(d.Lang)
	d.Demo, d.DemoPassword = demoAccounts[0].email, demoAccounts[0].password
	if d.Error != "" {
		d.Message = d.T[d.Error]
		if one, ok := d.T[d.Error+"1"]; ok && d.RetryAfter == 1 {
			d.Message = one // English plural forms; Korean has one form
		}
		if strings.Contains(d.Message, "%d") {
			d.Message = fmt.Sprintf(d.Message, d.RetryAfter)
		}
	}
	if d.CaptchaError != "" {
		d.CaptchaMsg = d.T[d.CaptchaError]
	}
	p.render(w, status, "login.html", d)
}

type welcomeData struct {
	Lang        string
	T           map[string]string
	Name, Email string
	Since       time.Time
	Greeting    string
}

func (p *pages) welcome(w http.ResponseWriter, _ *http.Request, d welcomeData) {
	d.T = textsFor(d.Lang)
	d.Greeting = fmt.Sprintf(d.T["welcome"], d.Name)
	p.render(w, http.StatusOK, "welcome.html", d)
}
