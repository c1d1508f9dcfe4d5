"""How the model's codes and numbers read to a Chinese reader: label tables and number formats.

Shared by the template filters, the charts and the text digest, below all three.
"""

from __future__ import annotations

from briefing.model import Figure

TYPE_ZH = {
    "company": "企业",
    "investor": "投资机构",
    "government": "政府机构",
    "association": "协会/联盟",
    "research": "研究机构",
    "media": "媒体",
    "university": "高校",
    "product": "产品/业务",
    "other": "其他",
}
LANGUAGE_ZH = {"zh-Hans": "简体中文", "zh-Hant": "繁体中文", "en": "英文"}
KIND_ZH = {"memo": "研究备忘录", "article": "文章"}
RULE_ZH = {
    "normalize_spaces": "空白字符规范化",
    "strip_html_remnants": "去除HTML残留",
    "strip_pinyin_annotations": "去除拼音注音",
    "collapse_lost_spaces": "去除“? ?”占位",
    "strip_markdown_remnants": "去除Markdown残留",
    "collapse_whitespace": "合并多余空格",
    "remove_boilerplate": "去除网站页脚与评论区",
    "extract_byline": "提取署名行",
    "rejoin_broken_lines": "接合断行",
    "strip_data_uris": "去除内嵌base64图片",
    "strip_shortcodes": "去除博客短代码",
    "strip_trailing_urls": "去除段末裸链接",
    "find_garbled": "标记乱码",
}
STATUS_ZH = {"evidence found": "已有证据", "thin": "证据不足", "none": "暂无证据", "answered": "已解答"}


def format_number(value: float) -> str:
    """45.5 → "45.5", 120000000 → "1.2亿", 100000 → "10万"."""
    for size, unit in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:.6g}{unit}"
    return f"{value:.6g}" if value != int(value) else str(int(value))


def format_figure(f: Figure) -> str:
    unit = "" if f.unit in ("", "个") and not f.raw.endswith("个") else f.unit
    value = f"{format_number(f.value)}{unit}"
    extra = "，".join(x for x in (f"{f.year}年" if f.year else "", f.source or "") if x)
    return f"{f.measure} {value}" + (f"（{extra}）" if extra else "")
