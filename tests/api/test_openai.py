"""The OpenAI-compatible endpoint, used by the official `openai` client against a live server."""

import pytest
from openai import NotFoundError, OpenAI, UnprocessableEntityError


def test_chat_completion_with_the_openai_client(live_server):
    client = OpenAI(base_url=f"{live_server}/v1", api_key="unused")
    assert [m.id for m in client.models.list()] == ["virtukg"]
    reply = client.chat.completions.create(
        model="virtukg", messages=[{"role": "user", "content": "Qui maintient LGuest ?"}]
    )
    content = reply.choices[0].message.content
    assert "Rusty Russell" in content and "diapositive 37" in content
    assert reply.choices[0].finish_reason == "stop"


def test_streaming_gives_the_same_answer(live_server):
    client = OpenAI(base_url=f"{live_server}/v1", api_key="unused")
    messages = [
        {"role": "system", "content": "Tu es un assistant."},
        {"role": "user", "content": "Qu'est-ce que Xen ?"},
        {"role": "assistant", "content": "Xen est un hyperviseur."},
        {"role": "user", "content": "Et sa licence ?"},
    ]
    stream = client.chat.completions.create(model="virtukg", messages=messages, stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    whole = client.chat.completions.create(model="virtukg", messages=messages)
    assert text == whole.choices[0].message.content
    assert "Xen est distribué sous licence GPL" in text


def test_chat_errors_are_in_openai_shape(client):
    response = client.post("/v1/chat/completions", json={"model": "virtukg", "messages": []})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request_error"
    last_is_assistant = [{"role": "assistant", "content": "Bonjour"}]
    response = client.post("/v1/chat/completions", json={"messages": last_is_assistant})
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_request"
    assert "last" in error["message"]
    with_nul = [{"role": "user", "content": "Xen\x00"}, {"role": "user", "content": "Et KVM ?"}]
    response = client.post("/v1/chat/completions", json={"messages": with_nul})
    assert response.status_code == 422 and "NUL" in response.json()["error"]["message"]


def test_the_openai_client_reads_our_errors(live_server):
    client = OpenAI(base_url=f"{live_server}/v1", api_key="unused", max_retries=0)
    with pytest.raises(NotFoundError) as unknown_model:
        client.chat.completions.create(
            model="gpt-4", messages=[{"role": "user", "content": "Qu'est-ce que Xen ?"}]
        )
    assert unknown_model.value.code == "model_not_found"
    assert "virtukg" in unknown_model.value.message
    with pytest.raises(UnprocessableEntityError) as too_long:
        client.chat.completions.create(
            model="virtukg", messages=[{"role": "user", "content": "x" * 5000}]
        )
    assert "characters" in too_long.value.message


def test_declined_answers_say_so_to_chat_clients(client):
    body = client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "Qui a gagné la coupe du monde 2018 ?"}]},
    ).json()
    assert body["abstained"] is True
    assert body["choices"][0]["message"]["content"].startswith(
        "Je n'ai pas trouvé la réponse dans le cours."
    )
