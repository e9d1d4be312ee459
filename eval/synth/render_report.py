"""Narrative reports → .docx (Word heading styles, or plain numbered paragraphs) and text PDF."""

from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from eval.synth.files import pdf_font
from eval.synth.render_docx import centered, new_document, save
from eval.synth.report import Report


def write_report_docx(rep: Report) -> bytes:
    doc = new_document(rep.unit)
    centered(doc, rep.title, 16, bold=True)
    doc.add_paragraph(rep.intro).paragraph_format.first_line_indent = Pt(21)
    for level, text, _ in rep.blocks():
        if level and rep.styled:
            heading = doc.add_heading(level=level)
            run = heading.add_run(text)
            run.font.size = Pt({1: 14, 2: 12, 3: 11}[level])
            run.font.color.rgb = RGBColor(0, 0, 0)
        elif level:
            para = doc.add_paragraph()
            run = para.add_run(text)
            run.bold = level < 3
        else:
            para = doc.add_paragraph(text)
            para.paragraph_format.first_line_indent = Pt(21)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return save(doc)


def write_report_pdf(rep: Report) -> tuple[bytes, int]:
    font = pdf_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=10)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=17, alignment=TA_JUSTIFY,
                          firstLineIndent=21, wordWrap="CJK", spaceAfter=3)
    heads = {k: ParagraphStyle(f"h{k}", fontName=font, fontSize=size, leading=size + 8, spaceBefore=6,
                               spaceAfter=3) for k, size in ((1, 13.5), (2, 12), (3, 11))}
    story: list = [Paragraph(rep.title, title), Paragraph(rep.intro, body)]
    for level, text, _ in rep.blocks():
        story.append(Paragraph(text, heads[level] if level else body))
    story.append(Spacer(1, 12))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.6 * cm, rightMargin=2.6 * cm, topMargin=2.5 * cm,
                            bottomMargin=2.5 * cm, invariant=1, title=rep.title, author=rep.unit,
                            creator="ziping synth")
    doc.build(story)
    return buf.getvalue(), doc.page
