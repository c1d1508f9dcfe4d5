"""Document metadata: dates, bylines, titles, headings, kind."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re

from briefing.cleaning import Block
from briefing.resources import data_yaml
from briefing.script import is_cjk, to_simplified

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


_ISO_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?!\d)")
_EN_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b")
_EN2_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})\b")
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)?\d{2})(\d{2})(\d{2})(?!\d)")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
# 二〇二二年三月二日: the year digit by digit, month and day as numbers up to 三十一.
_CN_DATE_RE = re.compile(
    r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号號]"
)


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return int(text.translate(_CN_DIGITS))
    tens, _, ones = text.partition("十")
    return int(tens.translate(_CN_DIGITS) or 1) * 10 + int(ones.translate(_CN_DIGITS) or 0)


_MONTH_ZH_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*[\d〇零○一二三四五六七八九十])"
)
_ISO_MONTH_RE = re.compile(r"(?:19|20)\d{2}-(\d{2})")
_MONTH_EN_RE = re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})\b")


def parse_month(text: str) -> str | None:
    """The first month written without a day ("2024年3月", "March 2024") as ISO
    ``YYYY-MM`` (also given so: "2024-03"): a source dated only to the month still has a date."""
    if m := _ISO_MONTH_RE.fullmatch(text.strip()):
        return m.group() if 1 <= int(m.group(1)) <= 12 else None
    if (m := _MONTH_ZH_RE.search(text)) and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    for m in _MONTH_EN_RE.finditer(text):
        if (month := _MONTHS.get(m.group(1).lower())) is not None:
            return f"{int(m.group(2)):04d}-{month:02d}"
    return None


_TITLE_MONTH_RE = re.compile(r"[（(]\s*([^（）()]{6,16})\s*[)）]\s*$")


_TITLE_END_MONTH_RE = re.compile(r"\s((?:19|20)\d{2})\s*[.．/年-]\s*(\d{1,2})\s*月?$")


def title_month(title: str) -> str | None:
    """The month a title ends with in brackets ("研究备忘（2024年3月）") or after a space
    ("跟踪笔记 2024.12"): the document's date. A month elsewhere in a title is its
    subject ("2023年12月CPI点评")."""
    if m := _TITLE_MONTH_RE.search(title):
        return parse_month(m.group(1))
    if (m := _TITLE_END_MONTH_RE.search(title.strip())) and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


def parse_date(text: str, compact: bool = False) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``.

    Understands 2021-06-23 (also with a time, "2022-03-02 10:00",
    "2022-03-02T10:00:00+08:00"), 2021/6/23, 2021.6.23, 2021年6月23日,
    二〇二一年六月二十三日, June 23, 2021, Apr 18th 2020, 23 June 2021 and
    RFC 2822 ("Wed, 02 Mar 2022 02:16:16 GMT"); with ``compact`` also
    190912 and 20190912 (memo file names and changelogs write dates that way).
    The date is the one written: a time zone does not move it.
    """
    if (m := _ISO_RE.search(text)) and (iso := _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
        return iso
    if (m := _CN_DATE_RE.search(text)) and (
        iso := _valid(int(m.group(1).translate(_CN_DIGITS)), _cn_number(m.group(2)), _cn_number(m.group(3)))
    ):
        return iso
    if (
        (m := _EN_RE.search(text))
        and m.group(1).lower() in _MONTHS
        and (iso := _valid(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
    ):
        return iso
    if (
        (m := _EN2_RE.search(text))
        and m.group(2).lower() in _MONTHS
        and (iso := _valid(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    ):
        return iso
    if compact and (m := _COMPACT_RE.search(text)):
        year = int(m.group(1))
        year = year + 2000 if year < 100 else year
        if iso := _valid(year, int(m.group(2)), int(m.group(3))):
            return iso
    return None


_DATE_LABEL_RE = re.compile(
    r"(?:发布|發布|发表|發表|更新|日期|时间|時間|date|posted|published|updated|prepared)[^:：\d]{0,6}[:：]?\s*",
    re.IGNORECASE,
)
# A page-metadata line that opens with the date and holds no sentence:
# "2023-11-20 08:15　来源：健康产业评论".
_LEADING_DATE_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?!\d)")


def header_date(lines: list[str]) -> str | None:
    """A publication date from page-metadata lines ("發布時間: 2021-06-23")."""
    for line in lines:
        if (m := _DATE_LABEL_RE.search(line)) and (
            iso := parse_date(line[m.end() :]) or parse_month(line[m.end() : m.end() + 16])
        ):
            return iso
    for line in lines:
        short = len(line) <= 60 and not any(p in line for p in "。，！？；")
        if (
            short
            and (_LEADING_DATE_RE.match(line) or _SOURCE_LABEL_RE.match(line))
            and (iso := parse_date(line))
        ):
            return iso  # "来源：界面新闻  2024-08-20" too
    return None


_SOURCE_LABEL_RE = re.compile(r"^\s*(?:文章)?(?:来源|來源|出处|出處|source)\s*[:：]", re.IGNORECASE)


_BYLINE_RE = re.compile(
    r"^(?:文|作者|撰文|作者\s*\|?|记者|記者|编译|編譯)\s*[/／:：|丨]\s*"
    r"([\u4e00-\u9fffA-Za-z·•. ]{2,24}?)\s*$"
)
_BYLINE_EN_RE = re.compile(r"^(?:by|written by|author:)\s+([A-Z][\w.'\- ]{1,40})$", re.IGNORECASE)


def byline(text: str) -> str | None:
    """The author named by a byline line ("文/孟永輝", "作者：张三", "By Jane Doe")."""
    text = text.strip()
    if m := _BYLINE_RE.match(text):
        return m.group(1).strip()
    if m := _BYLINE_EN_RE.match(text):
        return m.group(1).strip()
    return None


_REPORTER_DATE_RE = re.compile(
    r"^(?P<site>[\u4e00-\u9fff]{2,8}?)?\s*(?:记者|記者|特派员|特派員)\s*(?P<name>[\u4e00-\u9fff·]{2,4}?)\s*"
    r"(?P<rest>(?:19|20)\d{2}\s*[-/.年].*)$"
)


def reporter_dateline(text: str) -> tuple[str, str | None, str] | None:
    """``(reporter, paper, date)`` from a line that names them and the date only:
    "信報記者 陳家明 2024年8月14日", "记者 王小明 2024-08-14"."""
    text = text.strip()
    if len(text) > 50 or not (m := _REPORTER_DATE_RE.match(text)):
        return None
    is_date, iso = dateline(m.group("rest"))
    name, site = m.group("name"), m.group("site")
    if not is_date or not iso or name.startswith(_NOT_REPORTER):
        return None
    return name, None if site in _OWN_DESK else site, iso


_OWN_DESK = frozenset({"本报", "本報", "本刊", "本台", "本网", "本網", "本社"})
""""This paper" in a reporter's line: no name of a paper."""
_NOT_REPORTER = ("表示", "指出", "报道", "報導", "获悉", "獲悉", "了解", "发现", "發現", "称", "稱")
"""Words after 记者 that make the line a sentence, not a byline."""


_WEEKDAY_RE = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?|星期[一二三四五六日天]|[周週][一二三四五六日天]"
_DATE_PARTS_RE = re.compile(
    "|".join(
        (
            _ISO_RE.pattern,
            _CN_DATE_RE.pattern,
            _EN_RE.pattern,
            _EN2_RE.pattern,
            _MONTH_ZH_RE.pattern,
            _MONTH_EN_RE.pattern,
            r"(?<!\d)\d{1,2}[-/月]\d{1,2}日?(?!\d)",  # a month and day without the year ("08-08")
            r"(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\s*(?:[ap]\.?m\.?)?",  # a time
            r"\d{1,2}\s*[时時]\s*\d{1,2}\s*分",
            _WEEKDAY_RE,
            r"\b(?:gmt|utc|cst|est|edt|pst|pdt|bst|cet|hkt|jst)\b|[+-]\d{2}:?\d{2}\b",
            r"\b(?:updated|published|posted|date|on|at)\b|日期|时间|時間|发布|發布|发表|發表|更新|于|於",
            # a site's relative stamp beside the date ("Updated 2 hours ago", "3小时前")
            r"\b\d{1,2}\s*(?:min(?:ute)?s?|h(?:ou)?rs?|days?)\s+ago\b|\d{1,2}\s*(?:分钟|分鐘|小时|小時|天)前",
        )
    ),
    re.IGNORECASE,
)


def dateline(text: str) -> tuple[bool, str | None]:
    """``(True, date)`` when a line is only a date: "Apr 18th 2020", "2022-03-02 10:00",
    "Wed, 02 Mar 2022 02:16:16 GMT", "2022年3月2日 星期三", or a news app's
    "08-08 06:33 Wind" (a date without its year, so the date is None). On a
    line with a time one short word may stand beside it (the wire or site);
    anything more is a sentence or a title and ``(False, None)``."""
    text = _CREDIT_TAG_RE.sub("", text.strip(), count=1).strip()
    if not text or len(text) > 60 or any(p in text for p in "。！？!?；;"):
        return False, None
    found = [m for m in _DATE_PARTS_RE.finditer(text) if not _is_plain_word(m.group())]
    if not any(re.search(r"\d", m.group()) for m in found):
        return False, None
    rest = _DATE_PARTS_RE.sub(lambda m: m.group() if _is_plain_word(m.group()) else " ", text)
    words = [w for w in re.split(r"[\s,，.|｜/·()（）:：\-–—]+", rest) if w]
    timed = any(re.search(r"\d[:：]\d\d|[时時]", m.group()) for m in found)
    # A word beside the date is the wire's name only on a timed news line;
    # "2024-01-08 新建" is a changelog entry and "研究备忘 2024-04-02" a title.
    if len(words) > 1 or (words and (not timed or len(words[0]) > 12)):
        return False, None
    return True, parse_date(text) or parse_month(text)


# A paper's credit before its dateline: 【本報記者綜合報導】, 【本报讯】.
_CREDIT_TAG_RE = re.compile(r"^[【\[]\s*[^【】\[\]]{0,14}(?:报道|報導|报导|讯|訊|电|電)\s*[】\]]")


def _is_plain_word(found: str) -> bool:
    """A month name pattern that matched two ordinary words ("Sales 2024" is no date)."""
    m = _MONTH_EN_RE.fullmatch(found)
    return m is not None and m.group(1).lower() not in _MONTHS


_POSTED_RES = (
    re.compile(
        r"^(?P<name>[^\s\d(（][^()（）|｜]{0,30}?)\s*(?:[(（]\d+[)）])?\s*(?:发表于|發表於|发布于|發佈於|发表在)\s*(?P<rest>.+)$"
    ),
    re.compile(
        # "By Jane Doe Published: May 14, 2024": the byline and the date line read as one paragraph
        r"^(?:posted\s+|written\s+)?by\s+(?P<name>[A-Z][\w.'\- ]{1,40}?)\s*"
        r"(?:\bon\b|[|｜·•—–,]|(?=\b(?:published|posted|updated)\b)"
        # "By Anna Berg January 15, 2024": the date line run on with no mark between
        r"|(?=\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|(?=\b\d{4}[-/.]\d))"
        r"\s*(?P<rest>.+)$",
        re.IGNORECASE,
    ),
)


def posted_by(text: str) -> tuple[str, str] | None:
    """``(author, date)`` from a "who posted it when" line: "Edwards (42866)发表于
    2025年07月17日 19时29分 星期四", "Posted by Jane Doe on March 2, 2022",
    "By Jane Doe | Apr 18th 2020"."""
    text = text.strip()
    m = next((m for r in _POSTED_RES if (m := r.match(text))), None) if len(text) <= 80 else None
    if not m:
        return None
    is_date, iso = dateline(m.group("rest"))
    name = m.group("name").strip(" -–—:：")
    if not is_date or not iso or not name or len(name.split()) > 4:
        return None
    return name, iso


_CREDIT_RE = re.compile(
    r"^[(（\[]?\s*(?:additional\s+)?(?:reporting|written|writing)\s+by\s+(?P<names>[^;；)）\]]+)(?P<rest>.*)$",
    re.IGNORECASE,
)


def credit_line(text: str) -> str | None:
    """The reporters a wire-style credit line names: "(Reporting by John Ruwitch in
    SHANGHAI and Paul Carsten in BEIJING; Editing by Miral Fahmy)" → "John
    Ruwitch, Paul Carsten"."""
    text = text.strip()
    if len(text) > 300 or not (m := _CREDIT_RE.match(text)):
        return None
    names = []
    for part in re.split(r",\s*|\s+and\s+|\s*&\s*", m.group("names")):
        name = re.sub(r"\s+in\s+[A-Z][\w.\-' ]*$", "", part.strip()).strip()
        if name and len(name.split()) <= 4:
            names.append(name)
    return ", ".join(names) or None


# A wire story's dateline opening its first paragraph: "SHANGHAI/BEIJING (Reuters) -",
# "SEOUL —", "WASHINGTON, March 3 (AP) —", "新华社北京3月5日电（记者 张三）".
_EN_PLACE = r"[A-Z][A-Z.'’\-]*(?: [A-Z][A-Z.'’\-]*){0,3}"
_DATELINE_EN_RE = re.compile(
    rf"^(?P<place>{_EN_PLACE}(?:\s*/\s*{_EN_PLACE})*(?:,\s+[A-Z][a-zA-Z.]+(?: [A-Z][a-zA-Z.]+)?)?)"
    r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z .&]{1,20})\)\s*)?(?:[-—–]+|:)\s+(?=\S)"
)
_DATELINE_ZH_RE = re.compile(
    r"^(?:新华社|新華社|中新社|中新网|中新網|中央社|本报|本報|人民网|人民網)(?:记者|記者)?"
    r"(?P<place>[\u4e00-\u9fff]{2,4}?)(?:\d{1,2}月)?\d{1,2}日(?:电|電|讯|訊)"
    r"(?:\s*[（(][^）)]{1,30}[）)])?\s*[—–\-]*\s*(?=\S)"
)


# A reporter's credit opening a Taiwanese or Hong Kong story's first paragraph:
# "〔記者林郁婷／綜合報導〕", "（記者王小明／台北報導）", "【記者陳明／專訪】".
_CREDIT_OPEN_RE = re.compile(
    r"^[〔【\[［(（]\s*(?:(?P<site>[\u4e00-\u9fff]{2,8})\s*[/／]\s*)?(?:记者|記者|撰文|文)\s*"
    r"(?P<name>[\u4e00-\u9fff·]{2,6}(?:\s*[、,，]\s*[\u4e00-\u9fff·]{2,6}){0,3})\s*[/／]\s*"
    r"[^〕】\]］)）]{0,12}?(?:报道|報導|报导|專訪|专访|採訪|采访)\s*[〕】\]］)）]\s*"
)


def credit_opening(text: str) -> tuple[str, str, str | None] | None:
    """``(author, rest, paper)`` when a paragraph opens with a reporter's credit in
    brackets ("〔記者林郁婷／綜合報導〕中國白酒…" → 林郁婷 and the paragraph after it;
    "【經濟日報／記者王小華／台北報導】" names its paper too)."""
    if m := _CREDIT_OPEN_RE.match(text):
        names = re.split(r"\s*[、,，]\s*", m.group("name"))
        return ", ".join(names), text[m.end() :], m.group("site")
    return None


_SITE_DATE_RE = re.compile(
    r"^(?P<site>[A-Z][\w&.'’]*(?: [A-Z][\w&.'’]*){0,3}|\d{0,3}[\u4e00-\u9fff]{2,10})"
    r"(?:\s*[,，|｜·•—–]\s*|\s+)(?P<rest>.+)$"
)
_MEDIA_ENDINGS = (
    "News", "Times", "Post", "Journal", "Daily", "Review", "Weekly", "Herald", "Tribune", "Wire",
    "日报", "日報", "晚报", "晚報", "财经", "財經", "新闻", "新聞", "周刊", "週刊", "时报", "時報", "社", "报", "報", "报道", "報導", "网", "網",
)  # fmt: skip


def site_dateline(text: str) -> tuple[str, str] | None:
    """``(publisher, date)`` from a line that is a publisher and a date only ("Reuters,
    September 5, 2024", "第一财经 | 2024-09-12"); a place before a date ("London, May 2,
    2024") is no publisher: the name is a media organisation or ends like one."""
    from briefing.gazetteer import gazetteer

    text = text.strip().strip("*_ ")
    if len(text) > 60 or not (m := _SITE_DATE_RE.match(text)):
        return None
    is_date, iso = dateline(m.group("rest"))
    site = m.group("site")
    known = gazetteer().canonical(site)
    media = (known and gazetteer().orgs[known].type == "media") or site.endswith(_MEDIA_ENDINGS)
    return (site, iso) if is_date and iso and media else None


_LABELLED_DATE_RE = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z'’]*(?: [A-Za-z][A-Za-z'’]*){0,2})\s*[,|｜—–-]\s*(?P<rest>.+)$"
)


def labelled_dateline(text: str) -> str | None:
    """The date of a head line that is a short label and a full date only ("Research
    note, 18 October 2024", "Press release — March 3, 2024"): the document's date,
    whatever the label names (a kind of document, a place)."""
    text = text.strip().strip("*_ ")
    if len(text) > 60 or not (m := _LABELLED_DATE_RE.match(text)):
        return None
    is_date, iso = dateline(m.group("rest"))
    return iso if is_date and iso and len(iso) == 10 else None


_REPORTER_CREDIT_RE = re.compile(
    r"^(?P<site>[\u4e00-\u9fff]{2,8}?)\s*(?:记者|記者)\s*(?P<name>[\u4e00-\u9fff·]{2,4})$"
)


def reporter_credit(author: str) -> tuple[str, str] | None:
    """``(paper, reporter)`` from an author value that credits both ("經濟日報記者 林亞緯",
    a page's author field): the reporter is the author, the paper the site."""
    m = _REPORTER_CREDIT_RE.match(author.strip())
    if not m or m.group("site") in _OWN_DESK or m.group("name").startswith(_NOT_REPORTER):
        return None
    return m.group("site"), m.group("name")


_LEADING_DATE_PART_RE = re.compile(
    rf"^\s*[*_]*\s*(?P<date>{_ISO_RE.pattern}|{_EN_RE.pattern}|{_EN2_RE.pattern})\s*[,，|｜·•—–-]?\s*(?P<rest>.+?)[*_\s]*$"
)
_DATED_BY_RE = re.compile(
    r"^(?P<site>[\u4e00-\u9fff]{2,8}?)?\s*(?:记者|記者|特派员|特派員|研究员|研究員|分析师|分析師|作者|撰文)\s*[:：]?\s*"
    r"(?P<name>[\u4e00-\u9fff·]{2,4}?)\s*(?:[/／]\s*(?P<place>[\u4e00-\u9fff]{0,6}?)(?:报道|報導|报导))?$"
)


def dated_credit(text: str) -> tuple[str | None, str | None, str, str | None] | None:
    """``(publisher, author, date, place)`` from a line that opens with the date and
    then names the publisher, the writer or both: "2025-10-30 第一财经", "November 12,
    2025 | Reuters", "2025-11-05 經濟日報 記者 李國華／台北報導" (filed in 台北),
    "2025-11-20 研究員 陳怡君". A place after the date ("2024年9月3日 北京") names neither."""
    from briefing.gazetteer import gazetteer

    text = text.strip()
    if len(text) > 60 or not (m := _LEADING_DATE_PART_RE.match(text)):
        return None
    iso = parse_date(m.group("date"))
    rest = m.group("rest").strip()
    if not iso or not rest:
        return None
    if (
        (by := _DATED_BY_RE.match(rest))
        and not by.group("name").startswith(_NOT_REPORTER)
        and not (by.group("name").endswith(_NOT_REPORTER))
    ):
        site, place = by.group("site"), by.group("place")
        place = None if not place or place in ("综合", "綜合") else place
        return (None if site in _OWN_DESK else site), by.group("name"), iso, place
    known = gazetteer().canonical(rest)
    if (known and gazetteer().orgs[known].type == "media") or (
        len(rest) <= 30
        and rest.endswith(_MEDIA_ENDINGS)
        and not re.search(r"[。，,;；]", rest)
        and not rest.startswith(("公司", "官方", "本公司"))  # "公司官网" is no publisher
    ):
        return rest, None, iso, None
    return None


_SITE_FIRST_RE = re.compile(r"^(?P<site>\S{2,12}?)\s+(?P<rest>(?:19|20)\d{2}\s*[-/.年].+)$")


_DATELINE_WORDS = frozenset(
    {"本报讯", "本报", "综合", "综合报道", "快讯", "专稿", "特稿", "独家", "编译", "专讯", "讯"}
)


def _place(word: str) -> bool:
    """A place name (北京, 台北): a dateline's city, never a publisher."""
    from briefing.nlp import pos_tag

    return pos_tag(to_simplified(word)) == "ns"


def site_date_credit(text: str) -> tuple[str, str | None, str] | None:
    """``(publisher, author, date)`` from a line that names the publisher, then the date
    and the writer ("工商時報 2025/08/29 記者 陳怡君", "第一财经 2025-09-02 记者 刘洋")."""
    text = text.strip()
    if len(text) > 60 or not (m := _SITE_FIRST_RE.match(text)):
        return None
    dated = dated_credit(m.group("rest"))
    site = m.group("site")
    if dated is None or dated[0] is not None:
        return None
    # a name no paper's word ends (經濟通) is the publisher where a reporter is credited after
    # the date; a city or a dateline's word (本报讯, 综合) never is
    if to_simplified(site) in _DATELINE_WORDS:
        return None
    if not site.endswith(_MEDIA_ENDINGS) and not (
        re.search(r"记者|記者", m.group("rest")) and not _place(site)
    ):
        return None
    return site, dated[1], dated[2]


_PAPER_CREDIT_RE = re.compile(
    r"^[【\[［](?P<site>[\u4e00-\u9fff]{2,8}?)(?:專訊|专讯|特訊|特讯|訊|讯)[】\]］]\s*"
)


def paper_credit(text: str) -> tuple[str, str] | None:
    """``(paper, rest)`` when a paragraph or line opens with a Hong Kong paper's
    bracketed credit ("【明報專訊】2024年9月27日", "【明報專訊】新世界發展…"): the paper
    is the story's publisher, and the credit no part of its first sentence."""
    if m := _PAPER_CREDIT_RE.match(text):
        return m.group("site"), text[m.end() :]
    return None


_PAPER_DATED_RE = re.compile(
    r"^[【\[［](?P<site>[\u4e00-\u9fff]{2,10}?)\s*[／/]?\s*(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)[】\]］]\s*(?=\S)"
)


def paper_dateline(text: str) -> tuple[str, str, str] | None:
    """``(paper, date, rest)`` when a paragraph opens with a paper's name and the date in
    brackets ("【香港經濟日報 2024年4月23日】內地茶飲品牌…"): metadata, not the first sentence."""
    m = _PAPER_DATED_RE.match(text)
    if m and m.group("site").endswith(_MEDIA_ENDINGS) and (iso := parse_date(m.group("date"))):
        return m.group("site"), iso, text[m.end() :]
    return None


_AGENCY_CREDIT_RE = re.compile(
    r"^[（(](?P<site>中央社|新华社|新華社|中新社)(?:记者|記者)[\u4e00-\u9fff·]{2,10}?"
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?:电|電)[）)]\s*(?=\S)"
)


def agency_credit(text: str) -> tuple[str, str, str] | None:
    """``(agency, date, rest)`` when a paragraph opens with a news agency's bracketed
    credit ("（中央社記者林志遠台北2024年9月10日電）雄獅旅遊…"): metadata, not the first
    sentence (the reporter and the city run together, so neither is taken)."""
    if (m := _AGENCY_CREDIT_RE.match(text)) and (iso := parse_date(m.group("date"))):
        return m.group("site"), iso, text[m.end() :]
    return None


def wire_dateline(text: str, place: str | None = None) -> tuple[str, str] | None:
    """``(place, rest)`` when a paragraph opens with a news dateline: the city
    ("SHANGHAI/BEIJING", "SEOUL", "北京") is metadata and the first sentence
    starts after it. ``place`` is a dateline the page marked up itself
    (``<span class="articleLocation">``), which needs no dash after it."""
    if place and text.startswith(place) and len(text) > len(place) + 1:
        rest = re.sub(r"^\s*(?:\([A-Za-z][A-Za-z .&]{1,20}\)\s*)?(?:[-—–]+\s*)?", "", text[len(place) :])
        return (place, rest) if rest[:1].isalnum() or rest[:1] in "\"“'‘" else None
    for pattern in (_DATELINE_EN_RE, _DATELINE_ZH_RE):
        if m := pattern.match(text):
            found = m.group("place").strip()
            # An all-capitals place, not a sentence that opens with an acronym ("AI: …").
            letters = len(found.replace("/", "").replace(" ", ""))
            if pattern is _DATELINE_EN_RE and (letters < 3 or (not m.group("agency") and ":" in m.group())):
                continue
            return found, text[m.end() :]
    return None


@functools.cache
def _placeholder_authors() -> frozenset[str]:
    return frozenset(a.lower() for a in data_yaml("page_chrome.yaml")["placeholder_authors"])


def is_placeholder_author(name: str) -> bool:
    """True for an author value that names no one ("Staff Writer", "admin", "小编")."""
    return " ".join(name.split()).lower() in _placeholder_authors()


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) * 2 > len(letters)


def looks_like_title(block: Block, has_more: bool) -> bool:
    """A first line that is a title: short, not a sentence, followed by text."""
    text = block.text.strip()
    if not text or not has_more or block.kind == "item":
        return False
    if block.kind == "heading":
        return block.level == 1
    limit = 150 if _is_latin(text) else 60
    return len(text) <= limit and text[-1] not in "。.，,；;：:"


_SITE_SUFFIX_RE = re.compile(r"^\s*[|｜_\-–—·]")
# The separator before a site name in a page title: "标题 | 能源周刊", "标题- 【阳光易购】".
_SITE_SPLIT_RE = re.compile(r"\s*(?:[|｜_–—·]|\s-|-(?=\s*【))\s*(?=[^|｜_–—·]{1,30}$)")


def _norm_title(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip("。.")


def same_title(heading: str, title: str) -> bool:
    """True when a first heading repeats the title, which may add a site name
    ("光伏组件价格跌破每瓦1元" and "光伏组件价格跌破每瓦1元 | 能源周刊")."""
    heading, title = _norm_title(heading), _norm_title(title)
    if not heading:
        return False
    if heading == title:
        return True
    return title.startswith(heading) and bool(_SITE_SUFFIX_RE.match(title[len(heading) :]))


def _split_site(page_title: str) -> tuple[str, str | None]:
    parts = _SITE_SPLIT_RE.split(page_title.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), parts[1].strip().strip("【】[]")
    return page_title.strip(), None


def strip_site_name(page_title: str) -> str:
    """A page's ``<title>`` without the site name it adds ("标题- 【阳光易购】" → "标题")."""
    return _split_site(page_title)[0]


# A site's slogan after its name: "奇客Solidot–传递最新科技情报", "财新网 | 原创财经新闻".
_TAGLINE_RE = re.compile(r"\s*(?:[|｜–—]|\s-\s)\s*\S.*$")


def site_name(value: str) -> str:
    """A site as the source list shows it: its name without the slogan a page
    or front matter appends to it ("奇客Solidot–传递最新科技情报" → "奇客Solidot")."""
    value = " ".join(str(value).split())
    name = _TAGLINE_RE.sub("", value)
    return name if name else value


def is_site_name(heading: str, page_title: str) -> bool:
    """True when a heading is the site name the page title ends with (a logo in an ``<h1>``)."""
    site = _split_site(page_title)[1]
    return bool(site) and _norm_title(heading) == _norm_title(site)


_CLAUSE_RE = re.compile(r"[，,；;：:]")


def title_from_sentence(text: str) -> str:
    """A title made from a document's first sentence, when it has no title line."""
    sentence = re.split(r"(?<=[。！？!?])|(?<=\.)\s", text.strip(), maxsplit=1)[0].strip()
    sentence = sentence.rstrip("。！？!?.")
    limit = 80 if _is_latin(sentence) else 40
    if len(sentence) <= limit:
        return sentence
    cut = [m.start() for m in _CLAUSE_RE.finditer(sentence) if 8 <= m.start() <= limit]
    if cut:
        return sentence[: cut[-1]]
    return sentence[:limit].rstrip() + "…"


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_CN_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_POINT_RES = (
    re.compile(r"^(?P<n>\d{1,2})\s*(?:[、．)）]|\.(?!\d))\s*(?P<t>\S.*)$"),  # not "3.5万亿元…"
    re.compile(r"^[（(](?P<n>\d{1,2})[)）]\s*(?P<t>\S.*)$"),
    re.compile(r"^(?P<cn>[一二三四五六七八九十])\s*[、.．]\s*(?P<t>\S.*)$"),
    re.compile(r"^第(?P<cn>[一二三四五六七八九十])[，,、：:]\s*(?P<t>\S.*)$"),
    re.compile(
        r"^(?:key\s+)?(?:point|key|part|step|lesson|trend)\s+(?P<w>one|two|three|four|five|six|seven|eight|nine|\d)"
        r"\s*[:：.]\s*(?P<t>\S.*)$",
        re.IGNORECASE,
    ),
)


def numbered_point(text: str) -> tuple[int, str] | None:
    """``(number, rest)`` when a paragraph starts an author's numbered point."""
    for pattern in _POINT_RES:
        if m := pattern.match(text.strip()):
            groups = m.groupdict()
            if groups.get("n"):
                n = int(groups["n"])
            elif groups.get("cn"):
                n = _CN_NUM[groups["cn"]]
            else:
                w = groups["w"].lower()
                n = int(w) if w.isdigit() else _NUMBER_WORDS[w]
            return n, m.group("t").strip()
    return None


def point_heading(rest: str) -> str:
    """The heading part of a numbered point: the whole short line, or its first sentence."""
    rest = rest.strip()
    first = re.split(r"(?<=[。！？!?])|(?<=\.)\s+(?=[A-Z])", rest, maxsplit=1)[0].strip()
    first = first.rstrip("。.！!；;：:")
    if len(first) > 60 and not _is_latin(first):
        clause = _CLAUSE_RE.split(first)[0]
        if len(clause) >= 4:
            first = clause
    return first


def standalone_heading(block: Block, prev: Block | None, nxt: Block | None) -> bool:
    """A short plain-text line between paragraphs that reads as a section heading."""
    text = block.text.strip()
    if block.kind != "para" or not text or nxt is None or len(text) > 80:
        return False  # longer than any heading, Latin or not: no need to count its letters
    latin = _is_latin(text)
    if len(text) > (80 if latin else 30) or text[-1] in "。.，,；;：:!！":
        return False
    if text[-1] in "？?" and (latin or len(text) > 20):
        return False
    if latin and not text[0].isupper():
        return False
    long_next = len(nxt.text) >= 60
    long_prev = prev is None or len(prev.text) >= 60 or prev.kind == "heading"
    return long_next and long_prev


_RUN_RE = re.compile(r"\S+")


_HEADING_MARKS_RE = re.compile(r"^\s*#{1,6}\s+")


def headline_as_written(raw: str, cleaned: str) -> str:
    """The headline with the space its author set between two phrases
    ("台灣遊戲業者轉攻海外 遊戲橘子押寶自製IP"), which cleaning joins as it joins
    words a line break or a stray space split; ``cleaned`` unless ``raw`` is the
    same text but for spaces. A space stays where both sides hold four or more
    characters (a phrase, not a word split by a stray space). A Markdown heading's marks
    are no part of it (a plain-text file titled "# 國內手機市場…")."""
    raw, cleaned = _HEADING_MARKS_RE.sub("", raw), _HEADING_MARKS_RE.sub("", cleaned)
    if re.sub(r"\s", "", raw) != re.sub(r"\s", "", cleaned):
        return cleaned
    runs = _RUN_RE.findall(raw)
    out = runs[0] if runs else cleaned
    for before, after in itertools.pairwise(runs):
        cjk_gap = is_cjk(before[-1]) and is_cjk(after[0])
        keep = not cjk_gap or (len(before) >= 4 and len(after) >= 4)
        out += (" " if keep else "") + after
    return out


def join_cjk_aware(left: str, right: str) -> str:
    if left and right and not (is_cjk(left[-1]) or is_cjk(right[0])):
        return left + " " + right
    return left + right
