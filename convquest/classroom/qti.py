"""A QTI 1.2 package Canvas imports (Settings → Import course content → QTI .zip file), from a
quiz's drawn items (lms_items.py).

The .zip holds `imsmanifest.xml`, which names one resource of type `imsqti_xmlv1p2`, and that
resource's assessment, `<ident>/<ident>.xml`, laid out as Canvas's own QTI export lays it out.
Each quiz question is a question group (a `section` with `selection_number` 1): its variants are
the group's questions, so Canvas gives each student one of them, a different draw, as ConvQuest
does. An item is, in Canvas's words:

- `numerical_question`: one number, exact or ± a margin, each right value its own answer;
- `fill_in_multiple_blanks_question`: several numbers (a grid to fill in, a shape C×H×W, one
  number per layer); the question text holds a box `[b1]`, `[b2]`, … for each, an output grid as a
  table of boxes, and every spelling of a right number that ConvQuest's parser reads as it
  ("2", "2.0" and "2,0" for an average) is an answer for its box. Canvas gives each box its share of the points, as ConvQuest's per-cell
  marking does;
- `multiple_choice_question`: one of a fixed list of words.

The worked solution is each item's general feedback (`general_fb`, shown after answering). The
zip's entries carry a fixed date, so the same quiz, variants and seed give the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from itertools import cycle, groupby

from convquest.classroom.lms_items import Blank, Item, number_text, prompt_html, solution_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
RESOURCE_TYPE = "imsqti_xmlv1p2"
POINTS = 1  # a ConvQuest question is worth one mark, however many parts it has
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def ident(text: str) -> str:
    """An identifier as XML's ID rules want it: starting with a letter."""
    return f"cq-{text}"


def assessment_path(quiz_id: str) -> str:
    name = ident(quiz_id)
    return f"{name}/{name}.xml"


def to_qti_zip(quiz_id: str, title: str, items: Sequence[Item]) -> bytes:
    files = {
        "imsmanifest.xml": manifest_xml(quiz_id),
        assessment_path(quiz_id): assessment_xml(quiz_id, title, items),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def manifest_xml(quiz_id: str) -> bytes:
    manifest = ET.Element("manifest", {"identifier": ident(f"{quiz_id}-manifest"), "xmlns": CP_NS})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    href = assessment_path(quiz_id)
    resource = ET.SubElement(resources, "resource", {"identifier": ident(quiz_id), "type": RESOURCE_TYPE, "href": href})
    ET.SubElement(resource, "file", {"href": href})
    return _document(manifest)


def assessment_xml(quiz_id: str, title: str, items: Sequence[Item]) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident(f"{quiz_id}-assessment"), "title": title})
    _metadata(assessment, {"cc_maxattempts": "1"})
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for number, variants in groupby(items, key=lambda item: item.number):
        group = ET.SubElement(
            section, "section", {"ident": ident(f"{quiz_id}-q{number}"), "title": f"Question {number}"}
        )
        selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
        ET.SubElement(selection, "selection_number").text = "1"
        extension = ET.SubElement(selection, "selection_extension")
        ET.SubElement(extension, "points_per_item").text = str(POINTS)
        for item in variants:
            _item(group, item)
    return _document(root)


def question_type(item: Item) -> str:
    if item.choice is not None:
        return "multiple_choice_question"
    if len(item.blanks) == 1:
        return "numerical_question"
    return "fill_in_multiple_blanks_question"


def blank_id(n: int) -> str:
    return f"b{n + 1}"


def _item(parent: ET.Element, item: Item) -> None:
    kind = question_type(item)
    node = ET.SubElement(
        parent, "item", {"ident": ident(item.name), "title": f"Question {item.number}, variant {item.variant}"}
    )
    answer_ids: list[str] = []
    presentation = ET.Element("presentation")
    processing = ET.Element("resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    # The worked solution, shown whatever was answered: Canvas's "general_fb".
    general = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
    ET.SubElement(general, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})

    if kind == "multiple_choice_question":
        assert item.choice is not None
        _material(presentation, prompt_html(item))
        response = ET.SubElement(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single"})
        render = ET.SubElement(response, "render_choice")
        for n, option in enumerate(item.choice.options):
            answer = ident(f"{item.name}-c{n + 1}")
            answer_ids.append(answer)
            _material(ET.SubElement(render, "response_label", {"ident": answer}), option, html=False)
        _set_score(processing, "response1", answer_ids[item.choice.correct], "Set", "100")
    elif kind == "numerical_question":
        _material(presentation, prompt_html(item))
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        render = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"})
        ET.SubElement(render, "response_label", {"ident": "answer1"})
        for value in item.blanks[0].values:
            _numeric_condition(processing, item.blanks[0], value)
    else:
        _material(presentation, _with_boxes(item))
        share = f"{100 / len(item.blanks):.2f}"
        for n, blank in enumerate(item.blanks):
            response = ET.SubElement(presentation, "response_lid", {"ident": f"response_{blank_id(n)}"})
            _material(response, blank_id(n), html=False)
            render = ET.SubElement(response, "render_choice")
            labels: list[str] = []
            for spelling in blank.spellings:
                answer = ident(f"{item.name}-{blank_id(n)}-a{len(labels) + 1}")
                labels.append(answer)
                _material(ET.SubElement(render, "response_label", {"ident": answer}), spelling, html=False)
            answer_ids += labels
            _set_score(processing, f"response_{blank_id(n)}", labels[0], "Add", share)

    metadata = ET.SubElement(node, "itemmetadata")
    _metadata(
        metadata,
        {"question_type": kind, "points_possible": str(POINTS), "original_answer_ids": ",".join(answer_ids)},
    )
    node.append(presentation)
    node.append(processing)
    feedback = ET.SubElement(node, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(feedback, "flow_mat"), solution_html(item.solution))


_BOX = "\ue000"  # a private-use character: no prompt has one


def _with_boxes(item: Item) -> str:
    """The question's HTML with a box `[b1]`, `[b2]`, … for each blank. Canvas reads any bracketed
    word in the text as a box, so the text's own brackets (`y[0]`, `w[1][0]`) are written as HTML
    character references: they show as brackets, and only the boxes are boxes."""
    text = prompt_html(item, lambda n: f"{_BOX}{n}{_BOX}").replace("[", "&#91;").replace("]", "&#93;")
    pieces = text.split(_BOX)
    return "".join(f"[{blank_id(int(p))}]" if odd else p for odd, p in zip(cycle((False, True)), pieces))


def _numeric_condition(processing: ET.Element, blank: Blank, value: float) -> None:
    condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    either = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
    ET.SubElement(either, "varequal", {"respident": "response1"}).text = number_text(value)
    if blank.tolerance:
        within = ET.SubElement(either, "and")
        ET.SubElement(within, "vargte", {"respident": "response1"}).text = number_text(value - blank.tolerance)
        ET.SubElement(within, "varlte", {"respident": "response1"}).text = number_text(value + blank.tolerance)
    ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"


def _set_score(processing: ET.Element, respident: str, answer: str, action: str, score: str) -> None:
    condition = ET.SubElement(processing, "respcondition", {"continue": "No" if action == "Set" else "Yes"})
    ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal", {"respident": respident}).text = answer
    ET.SubElement(condition, "setvar", {"action": action, "varname": "SCORE"}).text = score


def _material(parent: ET.Element, text: str, *, html: bool = True) -> None:
    mattext = ET.SubElement(ET.SubElement(parent, "material"), "mattext")
    mattext.set("texttype", "text/html" if html else "text/plain")
    mattext.text = text


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    block = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(block, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
