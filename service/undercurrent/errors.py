"""The exception tree, drawn where callers catch it.

::

    UndercurrentError            anything this package raises on purpose
    ├── StackError               a local-stack process could not start (devstack)
    ├── ConversationFileError    a replay input line is not a conversation (replay)
    ├── TraceFileError           a replay input file does not hold agent runs (replay)
    ├── InvalidEvent             an application tried to send an event the contract rejects (producer)
    ├── RiskModelError           a risk model file is unreadable, malformed or edited by hand (detectors)
    └── JudgeError               a judgement failed; see ``undercurrent.judge.errors``
        ├── JudgeTimeout, JudgeRateLimited, JudgeUnavailable, JudgeRejected
        └── JudgeInvalidOutput

Bad events reaching the workers are not exceptions: the decoder returns them as
rejects with a reason and they go to the dead-letter topic. Only the producer
helper raises, at the call that tried to send one.
"""

from __future__ import annotations


class UndercurrentError(Exception):
    """Base of every exception the package raises on purpose."""

