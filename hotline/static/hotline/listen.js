// Listening live to an agent's call from the wallboard (voice/_listen.html; README, Voice (SIP)).
// rtpengine offers a send-only copy of each side of the call (the caller's, the agent's); this
// page answers both through Hotline's API and plays them. Nothing is sent: the page asks for
// no microphone, and neither the caller nor the agent hears it.
(function () {
  "use strict";
  var box = document.getElementById("listen");
  if (!box || typeof RTCPeerConnection === "undefined") { return; }
  var stateLine = box.querySelector("[data-testid=listen-state]");
  var detailLine = box.querySelector("[data-testid=listen-detail]");
  var players = box.querySelectorAll("audio[data-listen-side]");
  var peers = [], ticket = "", listened = "", agentName = "";

  function word(name) {
    var el = box.querySelector('[data-word="' + name + '"]');
    return el ? el.textContent : name;
  }

  function show(state, detail) {
    box.hidden = false;
    box.dataset.state = state;
    stateLine.textContent = word(state);
    detailLine.textContent = detail || "";
    box.querySelector("[data-listen-stop]").hidden = state === "ended" || state === "failed";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": box.dataset.csrf, "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (answer) {
      if (answer.status === 204) { return null; }
      return answer.json().then(function (json) {
        return answer.ok ? json : Promise.reject(json.detail || String(answer.status));
      });
    });
  }

  function gathered(connection) {
    if (connection.iceGatheringState === "complete") { return Promise.resolve(); }
    return new Promise(function (done) {
      connection.addEventListener("icegatheringstatechange", function () {
        if (connection.iceGatheringState === "complete") { done(); }
      });
      setTimeout(done, 3000);  // host candidates come at once; never hang on the others
    });
  }

  function stop(state, detail) {
    peers.forEach(function (connection) { connection.close(); });
    peers = [];
    players.forEach(function (player) { player.srcObject = null; });
    if (ticket) { post(box.dataset.stop, { ticket: ticket }).catch(function () {}); }
    ticket = "";
    show(state, detail);
  }

  function connected() {
    return peers.length > 0 && peers.every(function (c) { return c.connectionState === "connected"; });
  }

  // One side of the call: answer rtpengine's offer, play what comes.
  function side(index, sdp, current) {
    var connection = new RTCPeerConnection({ iceServers: [] });
    peers.push(connection);
    connection.addEventListener("track", function (event) {
      players[index].srcObject = new MediaStream([event.track]);
    });
    connection.addEventListener("connectionstatechange", function () {
      if (ticket !== current) { return; }
      if (connected()) { show("listening", agentName); }
      if (connection.connectionState === "failed") { stop("failed"); }
    });
    return connection.setRemoteDescription({ type: "offer", sdp: sdp }).then(function () {
      return connection.createAnswer();
    }).then(function (answer) {
      return connection.setLocalDescription(answer);
    }).then(function () {
      return gathered(connection);
    }).then(function () {
      return post(box.dataset.answer, { ticket: current, side: index, sdp: connection.localDescription.sdp });
    });
  }

  function listen(callId) {
    if (ticket) { stop("ended"); }
    listened = String(callId);
    show("connecting");
    post(box.dataset.start, { call_id: Number(callId) }).then(function (offer) {
      ticket = offer.ticket;
      return Promise.all(offer.offers.map(function (sdp, index) { return side(index, sdp, offer.ticket); }));
    }).catch(function (why) {
      stop("failed", why && why.message ? why.message : String(why));
    });
  }

  // The Listen buttons live in the wallboard's panel, which its live updates replace.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest("button[data-listen-call]");
    if (button) {
      agentName = button.dataset.listenAgent || "";
      listen(button.dataset.listenCall);
    }
    if (target && target.closest("[data-listen-stop]")) { stop("ended"); }
  });
  // The call ended (its Listen button left the board at the panel's update): so did listening.
  document.addEventListener("htmx:afterSwap", function () {
    if (ticket && !document.querySelector('button[data-listen-call="' + CSS.escape(listened) + '"]')) {
      stop("ended");
    }
  });
  window.addEventListener("pagehide", function () { if (ticket) { stop("ended"); } });

  // For tests and the curious: the packets received from each side of the call.
  window.hotlineListen = {
    stats: function () {
      return Promise.all(peers.map(function (connection) {
        return connection.getStats().then(function (report) {
          var received = 0;
          report.forEach(function (entry) {
            if (entry.type === "inbound-rtp" && entry.kind === "audio") { received += entry.packetsReceived; }
          });
          return received;
        });
      }));
    }
  };
})();
