"""`convquest quiz export`: what it writes is read back, a GIFT file by a small grammar of its own
and a QTI zip by xml.etree against its structure, and every answer in it is one the engine's own
parser and check mark right (so no answer here is typed in)."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quiz_helpers import QUIZ, write_quiz

from convquest.classroom.gift import escape, to_gift
from convquest.classroom.lms_items import NOT_EXPORTED, Item, Skipped, choices, draw_items, make_item
from convquest.classroom.qti import assessment_path, to_qti_zip
from convquest.classroom.quiz import load_quiz
from convquest.cli import main
from convquest.engine.problems import KINDS, from_params, generate, variants
from convquest.engine.problems.ladder import rungs

# GIFT's own characters (Moodle's GIFT format docs): each must be escaped with a backslash in text.
SPECIAL = "~=#{}:"
DOCS = Path(__file__).parents[2] / "docs" / "CLASSROOM.md"

# A grid to fill in, a question of several parts, a choice, a shape, one with several right values,
# an average (a decimal answer), and two kinds no LMS question can hold.
MIXED = """
[quiz]
id = "mixed-1"
title = "Mixed: {grids} = #1 ~ all"

[[question]]
kind = "fill-cells"
variant = "strided"
difficulty = 2

[[question]]
kind = "count-params"
variant = "locally-connected"

[[question]]
kind = "learn-kernel"
variant = "gradient-sign"

[[question]]
kind = "predict-size"
variant = "network"

[[question]]
kind = "predict-size"
variant = "solve-padding"
difficulty = 3

[[question]]
kind = "fill-cells"
variant = "avgpool"

[[question]]
kind = "receptive-field"

[[question]]
kind = "match-kernel"
variant = "palette"

[[question]]
kind = "predict-size"
[question.params]
variant = "conv"
i = 9
k = 3

[[question]]
kind = "sequence-fill"
variant = "causal"
"""


def docs_quiz() -> str:
    """The example quiz file in docs/CLASSROOM.md, as a teacher would copy it."""
    text = DOCS.read_text(encoding="utf-8")
    return re.search(r"```toml\n(\[quiz\].*?)```", text, re.DOTALL).group(1)


QUIZZES = {"docs": docs_quiz(), "helpers": QUIZ.format(feedback="at-end", seed='"per-student"'), "mixed": MIXED}


@pytest.fixture(params=sorted(QUIZZES))
def quiz(request, tmp_path):
    return load_quiz(write_quiz(tmp_path, text=QUIZZES[request.param]))


def problem_of(item: Item):
    return from_params(item.topic.split("/")[0], item.params)


def right_text(item: Item, part: int, text: str) -> bool:
    problem = problem_of(item)
    return problem.check(problem.parse_answer(text, part), part).correct


def plain(fragment: str) -> str:
    """HTML as the words it shows."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# --- a small GIFT grammar -------------------------------------------------------------------------


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def unescaped(text: str, chars: str) -> list[int]:
    """Where any of `chars` stands unescaped (not after an odd run of backslashes)."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            found.append(i)
        i += 1
    return found


@dataclass
class GiftQuestion:
    name: str
    text: str  # unescaped HTML
    kind: str  # "numerical" | "choice"
    answers: list[tuple[float, float]]  # (value, tolerance)
    options: list[tuple[bool, str]]  # (right, text)
    feedback: str  # unescaped HTML
    category: str


def parse_gift(text: str) -> tuple[list[str], list[GiftQuestion]]:
    """(comment lines, questions); an AssertionError for anything GIFT would read otherwise."""
    assert text.endswith("\n") and not text.endswith("\n\n")
    blocks = text[:-1].split("\n\n")
    assert all(block.strip() and block == block.strip() for block in blocks), "one blank line between blocks"
    comments: list[str] = []
    questions: list[GiftQuestion] = []
    category = None
    for block in blocks:
        lines = block.split("\n")
        if all(line.startswith("//") for line in lines):
            assert not questions, "comments only at the top"
            comments += [line[2:].strip() for line in lines]
            continue
        assert len(lines) == 1, f"a question is one line (new lines written as \\n): {block[:80]!r}"
        line = lines[0]
        if line.startswith("$CATEGORY: "):
            category = line.removeprefix("$CATEGORY: ")
            continue
        questions.append(parse_question(line, category))
    return comments, questions


def parse_question(line: str, category: str | None) -> GiftQuestion:
    assert line.startswith("::")
    end = line.index("::", 2)
    name, rest = line[2:end], line[end + 2 :]
    assert not unescaped(name, SPECIAL) and rest.startswith("[html]")
    rest = rest.removeprefix("[html]")
    opens, closes = unescaped(rest, "{"), unescaped(rest, "}")
    assert len(opens) == len(closes) == 1 and closes[0] == len(rest) - 1, "one answer block, at the end"
    body, block = rest[: opens[0]], rest[opens[0] + 1 : -1]
    assert not unescaped(body, SPECIAL), "GIFT's characters in the question text are escaped"
    marks = [i for i in unescaped(block, "#") if block[i : i + 4] == "####"]
    assert len(marks) == 1, "the worked solution is the general feedback, after ####"
    answers, feedback = block[: marks[0]], block[marks[0] + 4 :]
    assert not unescaped(feedback, SPECIAL)
    question = GiftQuestion(name, unescape(body), "", [], [], unescape(feedback), category or "")
    if answers.startswith("#"):
        question.kind = "numerical"
        entries = answers[1:].split(" ")
        for entry in entries:
            if len(entries) > 1:
                assert entry.startswith("="), "several right values are each =value:tolerance"
                entry = entry[1:]
            value, tolerance = entry.split(":")
            question.answers.append((float(value), float(tolerance)))
    else:
        question.kind = "choice"
        starts = unescaped(answers, "=~")
        assert starts and starts[0] == 0
        for begin, end in zip(starts, starts[1:] + [len(answers)], strict=True):
            question.options.append((answers[begin] == "=", unescape(answers[begin + 1 : end]).strip()))
        assert sum(right for right, _ in question.options) == 1
    return question


@given(st.text(alphabet=st.sampled_from(list("ab ~=#{}:\\n\n")), max_size=40))
def test_gift_escapes_read_back_as_written(text):
    escaped = escape(text)
    assert "\n" not in escaped and not unescaped(escaped, SPECIAL)
    assert unescape(escaped) == text


def test_gift_questions_are_named_numerical_and_read_back(quiz):
    items, _, _ = draw_items(quiz, 3)
    text, skipped = to_gift(items, ["made by a test: {not} = read", "a title\non two lines"])
    comments, questions = parse_gift(text)
    assert comments == ["made by a test: {not} = read", "a title on two lines"]
    assert questions, "every shipped example has questions GIFT can hold"
    names = [q.name for q in questions]
    assert len(set(names)) == len(names)
    by_name = {item.name: item for item in items}
    for question in questions:
        match = re.fullmatch(rf"{quiz.id}-q(\d+)-v(\d+)(?:-p(\d+))?", question.name)
        assert match, question.name
        item = by_name[f"{quiz.id}-q{match.group(1)}-v{match.group(2)}"]
        part = int(match.group(3) or 1) - 1
        assert question.category.endswith(f"{quiz.id}/q{item.number}")
        assert plain(item.prompt.splitlines()[0]) in plain(question.text)
        problem = problem_of(item)
        assert plain(question.feedback) == rungs(problem, part).solution
        if question.kind == "numerical":
            for value, tolerance in question.answers:
                typed = f"{value:g}"
                assert right_text(item, part, typed), (question.name, typed)
                assert tolerance == (0.05 if "avgpool" in item.topic else 0)
        else:
            for right, option in question.options:
                assert problem.check(problem.parse_answer(option), 0).correct == right
    written = {item.number for item in items if item.name in {re.sub(r"-p\d+$", "", n) for n in names}}
    assert written | {s.number for s in skipped} == {item.number for item in items}


def test_gift_leaves_grids_and_shapes_to_qti_and_names_them(tmp_path):
    items, skipped, _ = draw_items(load_quiz(write_quiz(tmp_path, text=MIXED)), 2)
    text, unfit = to_gift(items)
    kinds = {s.number: s.topic for s in unfit}
    assert kinds == {
        1: "fill-cells/strided",
        4: "predict-size/network",
        6: "fill-cells/avgpool",
        10: "sequence-fill/causal",
    }
    assert all("--format qti" in s.reason for s in unfit)
    # A shape's reason names its numbers, not "an answer of several numbers".
    assert next(s for s in unfit if s.number == 4).reason.startswith(
        "its answer 'after layer 1' is 3 numbers (C, H, W)"
    )
    assert {s.number for s in skipped} == {7}  # cells to mark
    _, questions = parse_gift(text)
    assert {q.name.split("-v")[0] for q in questions} == {f"mixed-1-q{n}" for n in (2, 3, 5, 8, 9)}
    # Question 2 has three parts: one numerical question each, per variant.
    assert sum(q.name.startswith("mixed-1-q2-") for q in questions) == 2 * 3
    # A fixed problem has one variant whatever was asked.
    assert [q.name for q in questions if q.name.startswith("mixed-1-q9")] == ["mixed-1-q9-v1"]


# --- QTI ------------------------------------------------------------------------------------------

NS = {"qti": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}


def read_package(data: bytes) -> tuple[ET.Element, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    resources = manifest.findall("cp:resources/cp:resource", NS)
    assert [r.get("type") for r in resources] == ["imsqti_xmlv1p2"]
    href = resources[0].find("cp:file", NS).get("href")
    assert href == resources[0].get("href") and href in archive.namelist()
    assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", href])
    return manifest, ET.fromstring(archive.read(href))


def field(item: ET.Element, label: str) -> str:
    for entry in item.findall(".//qti:qtimetadatafield", NS):
        if entry.find("qti:fieldlabel", NS).text == label:
            return entry.find("qti:fieldentry", NS).text or ""
    raise AssertionError(f"no {label}")


def scored(item: ET.Element) -> list[tuple[str, str, str, str]]:
    """(respident, value, action, score) of every condition that gives points."""
    out = []
    for condition in item.findall("qti:resprocessing/qti:respcondition", NS):
        setvar = condition.find("qti:setvar", NS)
        if setvar is None:
            continue
        for equal in condition.findall(".//qti:varequal", NS):
            out.append((equal.get("respident"), equal.text, setvar.get("action"), setvar.text))
    return out


@pytest.mark.slow
def test_qti_package_holds_each_question_as_a_group_of_its_variants(quiz):
    items, skipped, _ = draw_items(quiz, 3)
    data = to_qti_zip(quiz.id, quiz.title, items)
    assert data == to_qti_zip(quiz.id, quiz.title, draw_items(quiz, 3)[0]), "the same seed, the same bytes"
    _, root = read_package(data)
    assessment = root.find("qti:assessment", NS)
    assert assessment.get("title") == quiz.title
    idents = [node.get("ident") for node in root.iter() if node.tag.endswith(("}item", "}section", "}assessment"))]
    labels = [node.get("ident") for node in root.findall(".//qti:render_choice/qti:response_label", NS)]
    assert len(set(idents)) == len(idents) and len(set(labels)) == len(labels)
    groups = assessment.findall("qti:section/qti:section", NS)
    assert len(groups) == len({item.number for item in items})
    by_ident = {f"cq-{item.name}": item for item in items}
    for group in groups:
        assert group.find(".//qti:selection_number", NS).text == "1"
        xml_items = group.findall("qti:item", NS)
        assert xml_items and len({by_ident[x.get("ident")].number for x in xml_items}) == 1
        for node in xml_items:
            check_qti_item(node, by_ident[node.get("ident")])
    assert len(by_ident) == sum(len(g.findall("qti:item", NS)) for g in groups)
    assert not {s.number for s in skipped} & {item.number for item in items}


def check_qti_item(node: ET.Element, item: Item) -> None:
    kind = field(node, "question_type")
    text = node.find("qti:presentation/qti:material/qti:mattext", NS).text
    assert plain(item.prompt.splitlines()[0]) in plain(text)
    feedback = node.find("qti:itemfeedback[@ident='general_fb']//qti:mattext", NS).text
    assert plain(feedback) == item.solution
    problem = problem_of(item)
    assert plain(feedback) == (rungs(problem, 0).solution if len(item.parts) <= 1 else problem.solution())
    points = scored(node)
    if kind == "numerical_question":
        assert node.find("qti:presentation/qti:response_str/qti:render_fib", NS).get("fibtype") == "Decimal"
        assert points and all(p[0] == "response1" and p[2:] == ("Set", "100") for p in points)
        assert all(right_text(item, 0, value) for _, value, _, _ in points)
    elif kind == "multiple_choice_question":
        options = {
            label.get("ident"): label.find(".//qti:mattext", NS).text
            for label in node.findall(".//qti:response_lid/qti:render_choice/qti:response_label", NS)
        }
        assert [p[2:] for p in points] == [("Set", "100")]
        for ident, option in options.items():
            assert problem.check(problem.parse_answer(option), 0).correct == (ident == points[0][1])
    else:
        assert kind == "fill_in_multiple_blanks_question"
        boxes = re.findall(r"\[([^\]]*)\]", text)  # Canvas reads every bracketed word as a box
        assert all(re.fullmatch(r"b\d+", box) for box in boxes), boxes
        lids = {lid.get("ident"): lid for lid in node.findall("qti:presentation/qti:response_lid", NS)}
        assert sorted(lids) == sorted(f"response_{b}" for b in boxes) and len(boxes) == len(item.blanks) > 1
        given_by = {respident: value for respident, value, action, _ in points if action == "Add"}
        assert set(given_by) == set(lids)
        typed: dict[str, list[str]] = {}
        for name, lid in lids.items():
            answers = {
                x.get("ident"): x.find(".//qti:mattext", NS).text for x in lid.iter(f"{{{NS['qti']}}}response_label")
            }
            assert answers and given_by[name] in answers
            typed[name] = list(answers.values())
        # Each part's boxes, typed as a student would, are right: a shape or a cell as its numbers.
        box = 0
        for part, spec in enumerate(item.parts):
            texts = [typed[f"response_b{box + n + 1}"] for n in range(len(spec.blanks))]
            box += len(spec.blanks)
            if len(texts) == 1:
                assert all(right_text(item, part, t) for t in texts[0])
            else:
                assert right_text(item, part, " ".join(t[0] for t in texts))  # "16 5 5", a cell "2 3"
        if item.grid is not None:
            assert text.count("<tr>") >= item.grid[0]


def test_qti_writes_grids_as_fill_in_the_blanks_and_a_choice_as_multiple_choice(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, text=MIXED))
    items, skipped, notes = draw_items(quiz, 2)
    _, root = read_package(to_qti_zip(quiz.id, quiz.title, items))
    kinds = {}
    for node in root.iter(f"{{{NS['qti']}}}item"):
        kinds.setdefault(node.get("ident").split("-v")[0], set()).add(field(node, "question_type"))
    assert kinds == {
        "cq-mixed-1-q1": {"fill_in_multiple_blanks_question"},
        "cq-mixed-1-q2": {"fill_in_multiple_blanks_question"},
        "cq-mixed-1-q3": {"multiple_choice_question"},
        "cq-mixed-1-q4": {"fill_in_multiple_blanks_question"},
        "cq-mixed-1-q5": {"numerical_question"},
        "cq-mixed-1-q6": {"fill_in_multiple_blanks_question"},
        "cq-mixed-1-q8": {"multiple_choice_question"},
        "cq-mixed-1-q9": {"numerical_question"},
        "cq-mixed-1-q10": {"fill_in_multiple_blanks_question"},
    }
    assert [(s.number, s.topic.split("/")[0]) for s in skipped] == [(7, "receptive-field")]
    assert any(note.startswith("question 9 (predict-size/conv): 1 different problem(s), not 2") for note in notes)


# --- the items themselves -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_an_item_with_engine_checked_answers_or_skipped_with_a_reason(kind):
    exported = set()
    for variant in variants(kind):
        for seed in (1, 2, 3):
            problem = generate(kind, seed, 2, variant)
            if problem.topic in NOT_EXPORTED or kind in NOT_EXPORTED:
                continue
            item = make_item("k", 1, 1, problem)
            options = choices(problem)
            if isinstance(item, Skipped):
                # Only a choice whose answer is not clear (several options give the same target) is
                # left out, beside the kinds named in NOT_EXPORTED.
                assert options is not None, item
                right = [o for o in options if problem.check(problem.parse_answer(o), 0).correct]
                assert len(right) > 1 and f"{len(right)} of its choices are right" in item.reason
                continue
            exported.add(problem.topic)
            if item.choice is not None:
                right = [o for o in item.choice.options if problem.check(problem.parse_answer(o), 0).correct]
                assert right == [item.choice.options[item.choice.correct]]
                continue
            assert len(item.parts) == len(problem.parts())
            for part, spec in enumerate(item.parts):
                assert spec.blanks and all(b.values for b in spec.blanks)
                if len(spec.blanks) == 1:
                    assert spec.blanks[0].spellings, (problem.topic, part)
                    assert all(right_text(item, part, t) for t in spec.blanks[0].spellings)
                    assert all(problem.check(v, part).correct for v in spec.blanks[0].values)
    every = set() if kind in NOT_EXPORTED else {f"{kind}/{v}" for v in variants(kind)} - set(NOT_EXPORTED)
    assert exported == every  # each variant not named in NOT_EXPORTED is exported for some seed


def test_variants_are_different_draws_and_the_seed_decides_them(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, text=docs_quiz()))
    items, _, notes = draw_items(quiz, 4, seed=7)
    for number in (1, 2):
        drawn = [repr(sorted(i.params.items())) for i in items if i.number == number]
        assert len(drawn) == 4 and len(set(drawn)) == 4
    assert not notes
    assert [i.params for i in draw_items(quiz, 4, seed=7)[0]] == [i.params for i in items]
    assert [i.params for i in draw_items(quiz, 4, seed=8)[0]] != [i.params for i in items]


# --- the command --------------------------------------------------------------------------------


def export(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["quiz", "export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_gift_to_stdout_names_what_it_skipped(capsys, tmp_path):
    path = write_quiz(tmp_path, text=MIXED)
    code, out, err = export(capsys, str(path), "--format", "gift", "--variants", "2")
    assert code == 0
    comments, questions = parse_gift(out)
    assert comments[0] == "ConvQuest quiz mixed-1: Mixed: {grids} = #1 ~ all"
    assert questions
    for number, topic in ((1, "fill-cells/strided"), (7, "receptive-field/")):
        assert f"question {number} ({topic}" in err
    assert "question 8" not in err
    assert "question 9 (predict-size/conv): 1 different problem(s), not 2" in err


def test_export_qti_writes_a_zip_named_after_the_quiz(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_quiz(tmp_path, text=docs_quiz())
    code, out, err = export(capsys, str(path), "--format", "qti", "--variants", "3")
    assert code == 0 and out == ""
    data = (tmp_path / "week-3-qti.zip").read_bytes()
    _, root = read_package(data)
    assert len(root.findall(".//qti:item", NS)) == 2 * 3
    assert "wrote 6 variant(s) of 2 question(s) as qti to week-3-qti.zip" in err
    code, _, _ = export(capsys, str(path), "--format", "qti", "--variants", "3", "--output", str(tmp_path / "x.zip"))
    assert code == 0 and (tmp_path / "x.zip").read_bytes() == data
    assert zipfile.ZipFile(tmp_path / "x.zip").namelist()[1] == assessment_path("week-3")


def test_a_bad_quiz_file_is_refused_naming_the_file_question_and_field(capsys, tmp_path):
    text = QUIZZES["helpers"].replace("k = 3\ns = 2", "k = 3\ns = 0", 1)
    path = write_quiz(tmp_path, text=text)
    code, out, err = export(capsys, str(path), "--format", "gift")
    assert code == 1 and out == ""
    assert f"{path}: question 2: field 'params.s'" in err


def test_an_export_with_nothing_to_write_fails_and_writes_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '[quiz]\nid = "marks"\ntitle = "Marking cells"\n\n[[question]]\nkind = "receptive-field"\n'
    path = write_quiz(tmp_path, text=text)
    code, _, err = export(capsys, str(path), "--format", "qti")
    assert code == 1 and "nothing written" in err and "question 1 (receptive-field/" in err
    assert not (tmp_path / "marks-qti.zip").exists()


@pytest.mark.parametrize("args", [("--variants", "0"), ("--variants", "51"), ("--seed", "-1")])
def test_out_of_range_options_are_refused(capsys, tmp_path, args):
    code, _, err = export(capsys, str(write_quiz(tmp_path)), "--format", "gift", *args)
    assert code == 2 and args[0] in err


def test_a_question_of_any_variant_exports_the_draws_an_lms_can_hold_and_says_so(tmp_path):
    text = '[quiz]\nid = "any"\ntitle = "Any kernel"\n\n[[question]]\nkind = "match-kernel"\n'
    items, skipped, notes = draw_items(load_quiz(write_quiz(tmp_path, text=text)), 6)
    assert not skipped and len(items) == 6
    assert {item.topic for item in items} <= {f"match-kernel/{v}" for v in variants("match-kernel")} - set(NOT_EXPORTED)
    assert [item.variant for item in items] == [1, 2, 3, 4, 5, 6]
    assert len(notes) == 1 and notes[0].startswith("question 1: only its match-kernel/")
    for topic in ("match-kernel/edit", "match-kernel/locality"):  # drawn for seed 0, and named with why
        assert f"{topic} ({NOT_EXPORTED[topic]})" in notes[0]
    for item in (i for i in items if i.choice is not None):  # a draw whose answer is several pairs was replaced
        problem = problem_of(item)
        right = [o for o in item.choice.options if problem.check(problem.parse_answer(o), 0).correct]
        assert right == [item.choice.options[item.choice.correct]]


def test_a_decimal_answer_keeps_the_tolerance_the_engine_marks_right(tmp_path):
    # One average of four cells, 2.75: ConvQuest takes anything within 0.05 of it.
    text = (
        '[quiz]\nid = "avg"\ntitle = "An average"\n\n[[question]]\nkind = "fill-cells"\n[question.params]\n'
        'variant = "avgpool"\ninput = [[1, 2], [3, 5]]\nk = 2\nstride = 2\n'
    )
    quiz = load_quiz(write_quiz(tmp_path, text=text))
    items, _, _ = draw_items(quiz, 1)
    problem = problem_of(items[0])
    _, [question] = parse_gift(to_gift(items)[0])
    [(value, tolerance)] = question.answers
    low, high = value - tolerance, value + tolerance
    assert all(problem.check(v, 0).correct for v in (low + 1e-6, value, high - 1e-6))
    assert not any(problem.check(v, 0).correct for v in (low - 0.01, high + 0.01))
    _, root = read_package(to_qti_zip(quiz.id, quiz.title, items))
    item = root.find(".//qti:item", NS)
    assert field(item, "question_type") == "numerical_question"
    bounds = [float(item.find(f".//qti:{op}", NS).text) for op in ("vargte", "varlte")]
    assert bounds == pytest.approx([low, high])
    assert float(item.find(".//qti:varequal", NS).text) == value


def test_output_dash_is_standard_output_for_gift_and_qti_and_a_zip_is_kept_off_a_terminal(
    capsys, tmp_path, monkeypatch
):
    from tests.classroom.stdout_pipe import Pipe

    monkeypatch.chdir(tmp_path)
    path = write_quiz(tmp_path, text=docs_quiz())
    code, gift, _ = export(capsys, str(path), "--format", "gift")
    assert code == 0 and export(capsys, str(path), "--format", "gift", "--output", "-")[:2] == (0, gift)
    code, _, _ = export(capsys, str(path), "--format", "qti", "--output", str(tmp_path / "x.zip"))
    pipe = Pipe()
    monkeypatch.setattr("sys.stdout", pipe)
    code, _, err = export(capsys, str(path), "--format", "qti", "--output", "-")
    assert code == 0 and pipe.bytes == (tmp_path / "x.zip").read_bytes()
    assert "as qti" in err and not (tmp_path / "-").exists()
    monkeypatch.setattr("sys.stdout", Pipe(terminal=True))
    code, _, err = export(capsys, str(path), "--format", "qti", "--output", "-")
    assert code == 2 and "will not write a QTI zip to a terminal" in err
    monkeypatch.undo()
    with pytest.raises(SystemExit):
        main(["quiz", "export", "--help"])
    assert "'-': standard output" in " ".join(capsys.readouterr().out.split())
