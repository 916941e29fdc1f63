// The chat's streamed answer: the form posts to the SSE route and the text appears as it
// arrives; then the history is fetched again from the server (escaped there, with links).
// Without this script the form posts normally. No inline script: the CSP forbids it.
"use strict";
(function () {
  function parseEvents(buffer, onEvent) {
    var parts = buffer.split(/\r?\n\r?\n/);
    var rest = parts.pop();
    parts.forEach(function (block) {
      var event = "message", data = [];
      block.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
        else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
      });
      if (data.length) { onEvent(event, data.join("\n")); }
    });
    return rest;
  }

  function setUp(form) {
    var live = document.getElementById("chat-live");
    var status = document.getElementById("chat-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = new FormData(form);
      var csrf = body.get("csrf");
      live.hidden = false;
      live.textContent = "";
      live.dataset.pieces = "0";
      status.textContent = "Answering…";
      button.disabled = true;
      fetch(form.dataset.stream, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRF-Token": csrf, "Accept": "text/event-stream"}
      }).then(function (response) {
        if (!response.ok || !response.body) { throw new Error("status " + response.status); }
        var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function onEvent(event, data) {
          if (event === "token") {
            live.textContent += data;
            live.dataset.pieces = String(Number(live.dataset.pieces || 0) + 1);
          }
          else if (event === "error") { status.textContent = "The answer failed: " + JSON.parse(data).message; }
          else if (event === "done") { status.textContent = "Answered; the sources are linked."; }
        }
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { return; }
            buffer = parseEvents(buffer + decoder.decode(chunk.value, {stream: true}), onEvent);
            return pump();
          });
        }
        return pump();
      }).then(function () {
        return fetch(form.dataset.history, {credentials: "same-origin"});
      }).then(function (response) { return response.text(); }).then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;  // our own escaped fragment, from the same origin
        var fresh = holder.querySelector("#chat-history");
        document.getElementById("chat-history").replaceWith(fresh);
        live.hidden = true;
        form.reset();
      }).catch(function (err) {
        status.textContent = "The answer failed (" + err.message + "). Try again.";
      }).finally(function () { button.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("chat-form");
    if (form && window.fetch && window.ReadableStream) { setUp(form); }
  });
})();
