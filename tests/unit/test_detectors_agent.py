"""Pure pieces of the agent detectors: tool kinds, call pairing, targets and the cue lists."""

import pytest

from undercurrent.detectors import agent_lexicon as lx
from undercurrent.detectors.agent_steps import calls, is_handoff, is_mutating, name_words, target_ids
from undercurrent.events.model import Step
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn


@pytest.mark.parametrize(
    ("tool", "words", "mutating", "handoff"),
    [
        ("update_reservation_flights", ["update", "reservation", "flights"], True, False),
        ("modifyPendingOrder", ["modify", "pending", "order"], True, False),
        ("send-email", ["send", "email"], True, False),
        ("HTTPPostJSON", ["http", "post", "json"], False, False),
        ("return_delivered_order_items", ["return", "delivered", "order", "items"], True, False),
        ("transfer_funds", ["transfer", "funds"], True, False),
        ("get_user_details", ["get", "user", "details"], False, False),
        ("search_direct_flight", ["search", "direct", "flight"], False, False),
        ("calculate", ["calculate"], False, False),
        ("think", ["think"], False, False),
        ("transfer_to_human_agents", ["transfer", "to", "human", "agents"], False, True),
        ("connectToOperator", ["connect", "to", "operator"], False, True),
        ("escalate_ticket", ["escalate", "ticket"], False, True),
        ("get_escalation_status", ["get", "escalation", "status"], False, False),
        ("get_human_resources_record", ["get", "human", "resources", "record"], False, False),
        ("list_support_agents", ["list", "support", "agents"], False, False),
        ("", [], False, False),
    ],
)
def test_tool_kinds_come_from_the_verb_of_the_name(tool, words, mutating, handoff):
    assert name_words(tool) == words
    assert is_mutating(tool) is mutating
    assert is_handoff(tool) is handoff


@pytest.mark.parametrize(
    ("arguments", "targets"),
    [
        ('{"reservation_id": "K5", "cabin": "economy"}', {("reservation_id", "K5")}),
        ('{"id": 12}', {("id", "12")}),
        ('{"roomId": 4, "target": 21}', {("roomId", "4")}),
        ('{"flights": [{"flight_id": "A"}]}', set()),
        ('{"payment_id": null}', set()),
        ("[1, 2]", set()),
        ("not json", set()),
    ],
)
def test_targets_are_top_level_identifier_arguments(arguments, targets):
    assert target_ids(arguments) == targets


def _turn(index: int, role: str, text: str = "", kind: str | None = None, tool: str | None = None, status=None):
    step = Step(kind=kind, tool=tool, status=status) if kind else None
    return TranscriptTurn(index=index, role=role, text=text, ts_ms=index, event_id=str(index), step=step)


def test_calls_pair_with_the_next_result_of_the_same_tool():
    turns = (
        _turn(0, "user", "go"),
        _turn(1, "assistant", "{}", "tool_call", "cancel_order"),
        _turn(2, "assistant", "{}", "tool_call", "send_receipt"),
        _turn(3, "tool", "ok", "tool_result", "send_receipt", "ok"),
        _turn(4, "tool", "no", "tool_result", "cancel_order", "error"),
        _turn(5, "assistant", "{}", "action", "update_profile"),
    )
    snapshot = SessionSnapshot(
        session_id="s", feature="f", domain=None, user_id=None, turns=turns, behaviours=(), opened_ms=0, last_event_ms=5
    )
    found = [(c.tool, c.result.index if c.result else None, c.succeeded, c.failed) for c in calls(snapshot)]
    assert found == [
        ("cancel_order", 4, False, True),
        ("send_receipt", 3, True, False),
        ("update_profile", None, False, False),
    ]


@pytest.mark.parametrize(
    ("text", "affirms"),
    [
        ("Yes, go ahead.", True),
        ("yes", True),
        ("Sure, please do.", True),
        ("Please proceed with the downgrade.", True),
        ("I confirm.", True),
        ("Sounds good.", True),
        ("Sí, adelante.", True),
        ("Oui, merci.", True),
        ("はい、お願いします。", True),
        ("네, 진행해 주세요.", True),
        ("Can we proceed with the downgrade now?", False),
        ("I'll go with Option 2, please. Could you also make sure my payment is used?", False),
        ("The second one.", False),
        ("How long does the change take?", False),
    ],
)
def test_affirmations(text, affirms):
    assert (lx.AFFIRMATION.search(text) is not None) is affirms


@pytest.mark.parametrize(
    ("text", "negates"),
    [
        ("No, wait, I want store credit.", True),
        ("Nein, danke.", True),
        ("No problem, go ahead.", False),
        ("Yes.", False),
    ],
)
def test_negations(text, negates):
    assert (lx.NEGATION.search(text) is not None) is negates


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Here are the details: flight AF12 on 3 May. Please confirm.", True),
        ("Shall I proceed?", True),
        ("Would you like me to go ahead with the refund?", True),
        ("The gift card has $120 left. Shall I use your Visa instead?", True),
        ("¿Confirma que desea cancelar la reserva?", True),
        ("Could you please confirm your user ID?", False),
        ("What is your booking reference?", False),
        ("Here are the cheapest options: A at $95 and B at $120.", False),
    ],
)
def test_confirmation_requests(text, asks):
    assert (lx.CONFIRMATION_REQUEST.search(text) is not None) is asks


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Your reservation has been successfully updated.", True),
        ("The ticket has been closed.", True),
        ("I've refunded the $20 shipping fee.", True),
        ("I successfully booked the Grand Hotel.", True),
        ("Once your refund has been processed, you will get an email.", False),
        ("If the payment has been charged by Friday, write back.", False),
        ("The seller cancelled it on 2 May.", False),
        ("Has it been delivered yet?", False),
    ],
)
def test_completion_claims(text, claims):
    assert (lx.COMPLETION_CLAIM.search(text) is not None) is claims


@pytest.mark.parametrize(
    ("text", "defers"),
    [
        ("I'll get back to you once I have the reservation ID.", True),
        ("I think I'll hold off on making any changes for now.", True),
        ("Let me think it over.", True),
        ("Thanks for checking. Let me take some time to consider my options.", True),
        ("Alright, I'll make sure to have it ready. I'll reach out soon.", True),
        ("Consider that the price of fossil energy is lower.", False),
        ("I think this approach locks the table.", False),
        ("Let's get back to the budget question.", False),
        ("Thank you so much for your help! That's all for now.", False),
    ],
)
def test_deferrals(text, defers):
    assert (lx.DEFERRAL.search(text) is not None) is defers
