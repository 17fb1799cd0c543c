"""Whether a sentence is about pain, read by its lemmas (Kiwi), not only by substrings:
힘든, 아픈, 슬픈, 우는, 다친 are the same words as 힘들다, 아프다, 슬프다, 울다, 다치다, which a
list of written stems misses. A floor under the turn context the pipeline passes."""

from __future__ import annotations

from serving.style.analysis import analysed

# Verb and adjective stems (Kiwi's lemma forms).
PAIN_STEMS = {
    "힘들", "슬프", "아프", "외롭", "괴롭", "무섭", "두렵", "서럽", "속상하", "지치", "울", "다치", "무너지",
    "견디", "버티", "죽", "떠나", "잃", "그립", "그리워하", "잃어버리", "헤어지", "사라지", "없어지", "해치",
    "때리", "다투", "싸우", "미워하", "밉", "싫", "창피하", "부끄럽", "한심하", "초라하", "불쌍하", "억울하",
    "서운하", "섭섭하", "답답하", "막막하", "비참하", "허무하", "공허하", "우울하", "불안하", "걱정하", "걱정되",
    "미안하", "후회하", "실패하", "망치", "쓸쓸하", "허전하", "두려워하", "무서워하",
    "괴로워하", "슬퍼하", "아파하", "실망하", "좌절하", "낙담하", "몰아세우", "탓하", "자책하", "힘겹", "버겁", "벅차", "숨막히", "지겹", "짜증나", "화나", "속상",
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
}


# 속상하다, 답답하다: Kiwi splits them into a root (NNG/XR) and 하.
_ROOTS = PAIN_NOUNS | {stem[:-1] for stem in PAIN_STEMS if stem.endswith(("하", "되"))}


def about_pain(sentence: str) -> bool:
    """Whether any word of `sentence` (outside quotes too: quoted pain is still pain) is a
    pain word by its lemma."""
    for tok in analysed(sentence):
        if tok.tag.startswith("V") and tok.form in PAIN_STEMS:
            return True
        if tok.tag.startswith(("NN", "XR")) and tok.form in _ROOTS:
            return True
    return False
