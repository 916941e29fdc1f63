"""Transcript formats: Gong JSON, WebVTT, SRT, `Speaker: text` and plain text become segments;
malformed files fail with exact messages; speakers resolve to the rep or the customer."""

from __future__ import annotations

import json

import pytest

from copilot.records.transcripts.calls import prepare_row
from copilot.records.transcripts.detect import parse_text, parse_value, stored_text
from copilot.records.transcripts.errors import TranscriptError
from copilot.records.transcripts.speakers import resolve, same_person
from copilot.records.transcripts.timecode import parse_moment, stamp

GONG = {
    "parties": [
        {"speakerId": "11", "name": "Dana Reyes", "affiliation": "Internal"},
        {"speakerId": "22", "name": "Elaine Mercer", "affiliation": "External"},
    ],
    "transcript": [
        {
            "speakerId": "11",
            "sentences": [
                {"start": 0, "end": 4200, "text": "Thanks for making time."},
                {"start": 4200, "end": 9000, "text": "How do you approve invoices today?"},
            ],
        },
        {"speakerId": "22", "sentences": [{"start": 9500, "end": 15000, "text": "By hand."}]},
    ],
}
VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Dana Reyes: Hi Elaine, thanks for making time.

2
00:00:04.500 --> 00:00:07.250 align:start
<v Elaine Mercer>Sure, go ahead.</v>

3
00:00:07.500 --> 00:00:09.000
and one more thing.
"""
SRT = """1
00:00:01,000 --> 00:00:04,000
[Dana Reyes] What does a month-end close look like?

2
00:00:04,500 --> 00:00:09,000
Elaine Mercer: Three days of keying.
"""


def _error(text: str, hint: str | None = None) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse_text(text, hint)
    return str(caught.value)


def test_gong_json_gives_timed_segments_with_the_internal_speaker_as_rep() -> None:
    t = parse_value(GONG)
    assert t.format == "gong" and t.timed
    assert [(s.speaker, s.role, s.start_s, s.end_s) for s in t.segments] == [
        ("Dana Reyes", "rep", 0.0, 4.2),
        ("Dana Reyes", "rep", 4.2, 9.0),
        ("Elaine Mercer", "customer", 9.5, 15.0),
    ]
    assert parse_text(json.dumps({"callTranscripts": [GONG]})).segments == t.segments


def test_gong_with_two_internal_speakers_leaves_the_rep_to_the_name() -> None:
    doc = json.loads(json.dumps(GONG))
    doc["parties"].append({"speakerId": "33", "name": "Sam Okoro", "affiliation": "Internal"})
    doc["transcript"].append(
        {"speakerId": "33", "sentences": [{"start": 16000, "end": 17000, "text": "Hi."}]}
    )
    segments = resolve(parse_value(doc).segments, "dana reyes")
    assert [s.role for s in segments] == ["rep", "rep", "customer", "unknown"]


def test_malformed_gong_json_names_line_and_column() -> None:
    assert _error('{"transcript": [\n  {"speakerId": 1 "sentences": []}\n]}') == (
        "Gong JSON line 2 column 19: not valid JSON (Expecting ',' delimiter). "
        "Fix: export the transcript again, or check the brackets and commas near there"
    )


def test_gong_sentence_that_ends_before_it_starts_names_its_place() -> None:
    doc = {
        "transcript": [{"speakerId": 1, "sentences": [{"start": 2000, "end": 1000, "text": "x"}]}]
    }
    assert _error(json.dumps(doc)) == (
        "Gong JSON at transcript[0].sentences[0]: ends (1000 ms) before it starts (2000 ms). "
        "Fix: give start and end in milliseconds from the start of the call, end >= start"
    )


def test_gong_missing_sentences_names_the_path() -> None:
    message = _error(json.dumps({"transcript": [{"speakerId": 1}]}))
    assert message.startswith("Gong JSON at transcript[0].sentences: field required (missing).")


def test_webvtt_reads_name_colon_and_voice_tags_and_continues_the_speaker() -> None:
    t = parse_text(VTT)
    assert t.format == "webvtt"
    assert [(s.speaker, s.start_s, s.end_s, s.text) for s in t.segments] == [
        ("Dana Reyes", 1.0, 4.0, "Hi Elaine, thanks for making time."),
        ("Elaine Mercer", 4.5, 7.25, "Sure, go ahead."),
        ("Elaine Mercer", 7.5, 9.0, "and one more thing."),
    ]


def test_webvtt_without_header_fails_exactly() -> None:
    assert _error(VTT.replace("WEBVTT\n\n", ""), "webvtt") == (
        "WebVTT line 1: the file does not start with WEBVTT. Fix: start the file with a line "
        "'WEBVTT', or give the transcript as .srt or .txt"
    )


def test_webvtt_bad_timing_names_the_cue_and_line() -> None:
    bad = VTT.replace("00:00:04.500 --> 00:00:07.250", "00:00:04.500 --> 00:00:7.25")
    assert _error(bad) == (
        "WebVTT cue 2 (line 7): the timing line '00:00:04.500 --> 00:00:7.25 align:start' is not "
        "valid. Fix: write the timing line as '00:01:02.000 --> 00:01:05.500'"
    )


def test_webvtt_cue_ending_before_it_starts_fails() -> None:
    bad = VTT.replace("00:00:01.000 --> 00:00:04.000", "00:00:04.000 --> 00:00:01.000")
    assert _error(bad) == (
        "WebVTT cue 1 (line 3): the cue ends (00:00:01.000) before it starts (00:00:04.000). "
        "Fix: swap the two times or fix the typo"
    )


def test_webvtt_cue_without_timing_line_fails() -> None:
    bad = VTT.replace("3\n00:00:07.500 --> 00:00:09.000\n", "3\n")
    assert _error(bad) == (
        "WebVTT cue 3 (line 11): has no timing line. Fix: give each cue a timing line such as "
        "'00:01:02.000 --> 00:01:05.500', then its text"
    )


def test_srt_with_speaker_labels() -> None:
    t = parse_text(SRT)
    assert t.format == "srt"
    assert [(s.speaker, s.start_s, s.text) for s in t.segments] == [
        ("Dana Reyes", 1.0, "What does a month-end close look like?"),
        ("Elaine Mercer", 4.5, "Three days of keying."),
    ]


def test_srt_without_cue_number_fails_without_repeating_the_words() -> None:
    bad = SRT.replace("2\n00:00:04,500", "Elaine said\n00:00:04,500")
    message = _error(bad, "srt")
    assert message == (
        "SRT cue 2 (line 5): does not start with its cue number. Fix: number each cue on its own "
        "line (1, 2, 3...), then its timing line and text"
    )
    assert "Elaine said" not in message


def test_srt_text_where_the_timing_line_belongs_fails() -> None:
    bad = SRT.replace("00:00:04,500 --> 00:00:09,000\n", "")
    assert _error(bad, "srt") == (
        "SRT cue 2 (line 5): line 6 is not a timing line. Fix: write the timing line as "
        "'00:01:02,000 --> 00:01:05,500'"
    )


def test_speaker_lines_and_plain_text_are_stored_as_they_came() -> None:
    house = "Rep: How many vans?\nProspect (Cyrus Dunmore): Twenty-four.\nand a trailer."
    t = parse_text(house)
    assert t.format == "speaker_lines" and not t.timed
    assert [(s.speaker, s.role, s.text) for s in t.segments] == [
        ("Rep", "rep", "How many vans?"),
        ("Cyrus Dunmore", "customer", "Twenty-four. and a trailer."),
    ]
    assert stored_text(house, t) == house
    prose = "The rep opened with the price. The customer left."
    assert parse_text(prose).format == "plain"
    assert stored_text(prose, parse_text(prose)) == prose
    assert parse_text("[inaudible] then the rep spoke").format == "plain"


def test_timed_formats_are_stored_as_timed_lines_that_read_back_the_same() -> None:
    t = parse_text(VTT)
    text = stored_text(VTT, t)
    assert text.splitlines()[0] == "[00:01-00:04] Dana Reyes: Hi Elaine, thanks for making time."
    back = parse_text(text)
    assert back.format == "canonical"
    assert [(s.speaker, s.start_s, s.text) for s in back.segments] == [
        (s.speaker, float(int((s.start_s or 0) + 0.5)), s.text) for s in t.segments
    ]
    gong = stored_text(None, parse_value(GONG))
    assert gong.splitlines()[-1] == "[00:10-00:15] Customer (Elaine Mercer): By hand."
    assert gong.splitlines()[0] == "[00:00-00:04] Rep (Dana Reyes): Thanks for making time."


@pytest.mark.parametrize("written", ["dana reyes", "DANA  REYES", " Dana\tReyes ", "Reyes, Dana"])
def test_speaker_resolution_ignores_case_spacing_and_order(written: str) -> None:
    t = parse_text(VTT.replace("Dana Reyes:", f"{written}:"))
    roles = [s.role for s in resolve(t.segments, "Dana Reyes")]
    assert roles == ["rep", "customer", "customer"]
    assert same_person(written, "dana reyes")


def test_without_the_rep_among_the_speakers_no_one_is_called_customer() -> None:
    t = parse_text(VTT)
    assert {s.role for s in resolve(t.segments, "Someone Else")} == {"unknown"}


def test_a_speaker_mapping_decides_and_labels_the_stored_lines() -> None:
    raw = {
        "call_id": "C1",
        "transcript": VTT,
        "speakers": {"dana reyes": "rep", "Elaine Mercer": "customer"},
    }
    row, speakers, problems = prepare_row(raw)
    assert problems == [] and speakers == {"dana reyes": "rep", "Elaine Mercer": "customer"}
    assert "speakers" not in row
    assert (
        row["transcript"].splitlines()[1]
        == "[00:05-00:07] Customer (Elaine Mercer): Sure, go ahead."
    )
    assert row["transcript"].splitlines()[0].startswith("[00:01-00:04] Rep (Dana Reyes): ")


def test_a_bad_speaker_mapping_is_a_row_problem() -> None:
    _, _, problems = prepare_row({"call_id": "C1", "speakers": {"Dana": "boss"}})
    assert problems == [
        (
            "speakers",
            "is not a mapping of names to roles",
            'map each speaker\'s name to "rep", "customer" or "unknown", e.g. {"Dana Reyes": "rep"}',
        )
    ]


def test_moments_read_and_write() -> None:
    assert stamp(370.4) == "06:10" and stamp(4510) == "75:10"
    assert parse_moment("06:10") == 370 and parse_moment("75:10") == 4510
    assert parse_moment("1:15:10") == 4510 and parse_moment("6:1") is None
