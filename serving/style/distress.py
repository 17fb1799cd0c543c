"""Whether a sentence is about pain, read by its lemmas (Kiwi), not only by substrings:
힘든, 아픈, 슬픈, 우는, 다친 are the same words as 힘들다, 아프다, 슬프다, 울다, 다치다, which a
list of written stems misses. A floor under the turn context the pipeline passes."""

from __future__ import annotations

from serving.style.analysis import analysed
from serving.style.predicates import HONORIFIC_EP, passing_away

# Verb and adjective stems (Kiwi's lemma forms).
PAIN_STEMS = {
    "힘들", "슬프", "아프", "외롭", "괴롭", "무섭", "두렵", "서럽", "속상하", "지치", "울", "다치", "무너지",
    "견디", "버티", "죽", "떠나", "잃", "그립", "그리워하", "잃어버리", "헤어지", "사라지", "없어지", "해치",
    "때리", "다투", "싸우", "미워하", "밉", "싫", "창피하", "부끄럽", "한심하", "초라하", "불쌍하", "억울하",
    "서운하", "섭섭하", "답답하", "막막하", "비참하", "허무하", "공허하", "우울하", "불안하", "걱정하", "걱정되",
    "미안하", "후회하", "실패하", "망치", "쓸쓸하", "허전하", "두려워하", "무서워하",
    "괴로워하", "슬퍼하", "아파하", "실망하", "좌절하", "낙담하", "몰아세우", "탓하", "자책하", "힘겹", "버겁", "벅차", "숨막히", "지겹", "짜증나", "화나", "속상",
    # blind review 2026-12-02: pain said without a pain word
    "몰아붙이", "부족하", "못나", "모자라", "게으르", "멍청하", "무능하", "형편없", "나약하", "실망시키",  # self-criticism
    "던지", "지르", "밀치", "욕하", "협박하", "무시하", "괴롭히", "따돌리", "놀리", "비웃", "감시하", "통제하",  # abuse
    "두근거리", "어지럽", "토하", "앓", "쓰러지", "떨리", "굶", "상하", "짊어지", "긴장되", "긴장하",  # body, burden
    "불편하", "떠나보내", "보내드리", "여의", "뛰어내리", "베", "그만두", "포기하", "당황하", "당황스럽", "놀라", "겁나", "겁먹",
}
# Nouns.
PAIN_NOUNS = {
    "눈물", "상처", "고통", "아픔", "슬픔", "외로움", "우울", "우울증", "불안", "공황", "불면", "불면증", "절망",
    "이별", "사별", "상실", "장례", "장례식", "추모", "기일", "빈소", "고인", "명복", "하늘나라", "무지개다리",
    "자살", "자해", "극단", "유서", "손목", "폭력", "학대", "괴롭힘", "따돌림", "왕따", "이혼", "파혼", "실직",
    "해고", "파산", "빚", "사고", "응급실", "병원", "진단", "수술", "입원", "투병", "항암", "암", "치료", "질환",
    "장애", "증상", "통증", "트라우마", "불합격", "탈락", "실패", "후회", "걱정", "미안", "잘못", "실수", "탓",
    "자책", "민폐", "쓸모", "죄책감", "무기력", "번아웃", "스트레스", "두려움", "무서움", "공포", "분노", "짜증",
    "실망", "좌절", "낙담", "상심", "괴로움", "낙방", "낙제",
    "안전", "검사", "약", "병", "감기", "기침", "두통", "몸살", "치매", "환자", "간병", "요양", "요양원", "요양병원", "재활", "항암",
    "폭언", "욕", "협박", "가스라이팅", "스토킹", "추행", "성폭력", "투명인간", "소외", "외톨이",
    "납골당", "유골", "영정", "산소", "제사", "49재", "유품", "부고", "조문", "긴장", "눈치",
}
# Pain said in two words, neither painful alone: (earlier lemma, later lemma) in one sentence.
PAIN_PAIRS = {
    ("곁", "없"), ("곁", "계시"), ("손", "올리"), ("손", "대"), ("숨", "막히"), ("숨", "안 쉬"), ("가슴", "답답하"),
    ("화", "나"), ("잠", "못"), ("잠", "깨"), ("밥", "못"), ("말", "안 걸"), ("혼자", "울"), ("소리", "지르"),
    ("몸", "안 좋"), ("결과", "기다리"), ("세상", "떠나"), ("자신", "다치"), ("스스로", "다치"),
    ("혼자", "느끼"), ("아무도", "편"), ("잠", "안 오"), ("식은땀", "나"), ("연락", "끊"),
    ("속", "타"), ("밤", "혼자"), ("혼자", "밤"), ("곁", "있"), ("마음", "걸리"), ("먼저", "보내"),
    ("맞", "이유"), ("어른", "알리"), ("믿", "알리"), ("의미", "없"), ("그만", "살"),
}
# 안/못 right before these: 안 계시다 (someone is gone), 못 자다/먹다 (cannot sleep, eat).
NEGATED = {"계시", "자", "먹", "드시", "주무시", "마시", "쉬", "일어나", "나오", "견디", "버티"}


# 속상하다, 답답하다: Kiwi splits them into a root (NNG/XR) and 하.
_ROOTS = PAIN_NOUNS | {stem[:-1] for stem in PAIN_STEMS if stem.endswith(("하", "되"))}


def about_pain(sentence: str) -> bool:
    """Whether `sentence` (outside quotes too: quoted pain is still pain) is about pain by
    its lemmas: a pain word, a pair of words that together say it (곁에 … 없다, 손을 올리다),
    안/못 before a verb of being there, sleeping or eating, or 돌아가시다 (to pass away)."""
    toks = analysed(sentence)
    seen: list[str] = []
    for i, tok in enumerate(toks):
        if tok.tag.startswith("V") and tok.form in PAIN_STEMS:
            return True
        if tok.tag.startswith(("NN", "XR")) and tok.form in _ROOTS:
            return True
        if tok.tag.startswith("V") and tok.form in NEGATED and i > 0 and toks[i - 1].form in {"안", "못"} \
                and toks[i - 1].tag == "MAG":
            return True
        if tok.tag.startswith("V") and passing_away(toks, i) and any(t.tag == "EP" and t.form in HONORIFIC_EP
                                                                   for t in toks[i + 1:i + 2]):
            return True
        word = tok.form
        if tok.tag.startswith("V") and i > 0 and toks[i - 1].form in {"안", "못"} and toks[i - 1].tag == "MAG":
            word = toks[i - 1].form + " " + tok.form
        if any((earlier, word) in PAIN_PAIRS or (earlier, tok.form) in PAIN_PAIRS for earlier in seen):
            return True
        if tok.tag.startswith(("NN", "V", "MA", "XR")):
            seen.append(tok.form)
    return False
