// The desk's softphone (calls/_desk_phone.html; README, Voice (SIP)): JsSIP over the SIP edge's
// WebSocket, registered with the SIP credential Hotline issues for this floor session.
//
// The floor decides who rings; this phone only rings, answers and hangs up. The desk keeps its
// one Answer, Decline and Hang up: for the call ringing here (the edge names the offer in the
// INVITE's X-Hotline-Offer header, a colleague's transfer in X-Hotline-Transfer) they act on the
// phone, and the edge reports to Hotline what happened through the CTI path (answered, ended, a
// refused offer) as any SIP phone's would.
// A4: once the desk shows this agent's transfer waiting on a colleague, the phone refers the
// caller (REFER) to the address Hotline gives; the trunk calls the colleague's phone, and when
// it is answered this phone lets go of its dialog. Refused or unanswered, the call stays here.
// A Call button ([data-dial], voice/_dial.html: a callback's or follow-up call's number) dials
// out through the edge's trunk; the edge asks Hotline whether it is this agent's to dial now,
// and a refusal's reason shows here.
(function () {
  "use strict";
  var RETRY_MS = 5000;
  var phone = document.getElementById("phone");
  if (!phone || typeof JsSIP === "undefined") { return; }
  var stateLine = phone.querySelector("[data-testid=phone-state]");
  var remoteAudio = phone.querySelector("audio[data-phone=remote]");
  var ua = null;
  var session = null;   // the one call at a time
  var offerId = "";     // the floor's offer the ringing call belongs to
  var transferId = "";  // or the colleague's transfer (A4) it belongs to
  var referred = {};    // transfers this phone referred its caller for
  var realm = "";       // the SIP domain numbers are dialled in
  var starting = false;
  var retryAt = 0;
  var reported = null;  // what Hotline was last told: true registered, false offline

  // Hotline hears when the phone goes offline or comes back (POST /voice/phone-state): an
  // agent on the floor without a phone for a while gets their team lead alerted.
  function report(registered, state) {
    if (reported === registered || !phone.dataset.phoneState) { return; }
    reported = registered;
    fetch(phone.dataset.phoneState, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": phone.dataset.csrf, "Content-Type": "application/json" },
      body: JSON.stringify({ registered: registered, reason: registered ? "" : word(state).slice(0, 100) })
    }).then(function (answer) {
      if (!answer.ok) { reported = null; }  // say it again at the next change or check
    }, function () { reported = null; });
  }

  function word(name) {
    var el = phone.querySelector('[data-word="' + name + '"]');
    return el ? el.textContent : name;
  }

  function show(state) {
    phone.dataset.state = state;
    stateLine.textContent = word(state);
    var ringing = state === "ringing", inCall = ["talking", "held", "muted"].indexOf(state) >= 0;
    var dialling = state === "dialling";
    // One Answer for the agent: the desk's when it shows this call's offer, else the phone's.
    button("answer").hidden = !(ringing && !deskRingButton("accept"));
    button("hangup").hidden = !(inCall || dialling);
    button("mute").hidden = !inCall;
    button("hold").hidden = !inCall;
    phone.querySelector("[data-phone=keypad]").hidden = !inCall;
    button("mute").setAttribute("aria-pressed", state === "muted" ? "true" : "false");
    button("hold").setAttribute("aria-pressed", state === "held" ? "true" : "false");
  }

  function button(name) { return phone.querySelector('button[data-phone="' + name + '"]'); }

  // The desk's button for the call ringing here: "accept" or "decline", of its offer's form
  // (accept, decline) or its transfer's (transfer_accept, transfer_decline).
  function deskRingButton(action) {
    var name = offerId ? "offer" : "transfer", id = offerId || transferId;
    if (!id) { return null; }
    var field = document.querySelector('#desk input[name=' + name + '][value="' + CSS.escape(id) + '"]');
    var value = offerId ? action : "transfer_" + action;
    return field ? field.form.querySelector('button[value="' + value + '"]') : null;
  }

  function loggedOut() { return !!document.querySelector('#desk button[value="login"]'); }

  function stop(state) {
    if (ua) { ua.stop(); }
    ua = null;
    retryAt = Date.now() + RETRY_MS;
    show(state);
    if (state !== "floor") { report(false, state); }  // off the floor: nothing to alert about
  }

  // A POST to Hotline's API with the page's session: its JSON answer, or a refusal.
  function postForJson(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": phone.dataset.csrf, "Content-Type": "application/json" },
      body: "{}"
    }).then(function (answer) {
      return answer.ok ? answer.json() : Promise.reject(answer.status);
    });
  }

  // Register when the agent is on the floor; let go when they log out.
  function check() {
    if (loggedOut()) {
      if (ua && !session) { stop("floor"); }
      else if (!ua) { show("floor"); }
      return;
    }
    if (ua || starting || Date.now() < retryAt) { return; }
    starting = true;
    show("connecting");
    postForJson(phone.dataset.credentials).then(register, function () {
      retryAt = Date.now() + RETRY_MS;
      show(loggedOut() ? "floor" : "offline");
      if (!loggedOut()) { report(false, "offline"); }
    }).then(function () { starting = false; });
  }

  function register(credential) {
    realm = credential.realm;
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(credential.websocket)],
      uri: "sip:" + credential.username + "@" + credential.realm,
      password: credential.password,
      realm: credential.realm,
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: "Hotline desk"
    });
    var mine = ua;
    ua.on("registered", function () {
      if (ua !== mine) { return; }
      if (!session) { show("registered"); }
      report(true, "registered");
    });
    // The registration ran out and was not renewed: no call can ring here.
    ua.on("unregistered", function () { if (ua === mine && !session) { stop("offline"); } });
    ua.on("registrationFailed", function (data) {
      phone.dataset.cause = data.cause || "";  // for whoever looks into it
      if (ua === mine) { stop("refused"); }
    });
    ua.on("disconnected", function () { if (ua === mine && !session) { stop("offline"); } });
    ua.on("newRTCSession", function (data) {
      if (data.originator !== "remote") { return; }
      if (session) { data.session.terminate({ status_code: 486 }); return; }  // busy
      var request = data.request;
      ring(data.session, request.getHeader("X-Hotline-Offer") || "", request.getHeader("X-Hotline-Transfer") || "");
    });
    ua.start();
  }

  function ring(incoming, offer, transfer) {
    session = incoming;
    offerId = offer;
    transferId = offer ? "" : transfer;
    session.on("peerconnection", function (event) {
      event.peerconnection.addEventListener("track", function (track) {
        remoteAudio.srcObject = track.streams[0];
      });
    });
    session.on("accepted", function () { show("talking"); });
    session.on("hold", function () { show("held"); });
    session.on("unhold", function () { show("talking"); });
    session.on("muted", function () { show("muted"); });
    session.on("unmuted", function () { show("talking"); });
    session.on("ended", ended);
    session.on("failed", ended);
    show("ringing");
  }

  // Dial a number through the edge's trunk (a Call button): one call at a time, when registered.
  function dial(number) {
    if (!ua || session || phone.dataset.state !== "registered") { return; }
    var digits = number.replace(/[\s().-]/g, "");
    var outgoing = ua.call("sip:" + digits + "@" + realm, {
      mediaConstraints: { audio: true, video: false },
      pcConfig: { iceServers: [] },
      eventHandlers: {
        peerconnection: function (event) {
          event.peerconnection.addEventListener("track", function (track) {
            remoteAudio.srcObject = track.streams[0];
          });
        }
      }
    });
    session = outgoing;
    offerId = transferId = "";
    outgoing.on("accepted", function () { show("talking"); });
    outgoing.on("hold", function () { show("held"); });
    outgoing.on("unhold", function () { show("talking"); });
    outgoing.on("muted", function () { show("muted"); });
    outgoing.on("unmuted", function () { show("talking"); });
    outgoing.on("ended", ended);
    outgoing.on("failed", function (event) {
      // The edge's refusal says why (its reason phrase: Hotline's words).
      var reason = event.message && event.message.reason_phrase;
      phone.dataset.cause = event.cause || "";
      ended();
      if (reason && event.message.status_code === 403) {
        stateLine.textContent = word("not-dialled") + " " + reason;
      }
    });
    show("dialling");
  }

  function ended() {
    session = null;
    offerId = transferId = "";
    remoteAudio.srcObject = null;
    show(ua ? "registered" : "offline");
    check();
  }

  function answer() {
    if (session && !session.isEstablished()) {
      session.answer({ mediaConstraints: { audio: true, video: false } });
    }
  }

  function hangUp() { if (session) { session.terminate(); } }

  function dtmf(digit) {
    if (!session || !session.isEstablished()) { return; }
    try {
      session.sendDTMF(digit, { transportType: JsSIP.C.DTMF_TRANSPORT.RFC2833 });
    } catch (noTelephoneEvent) {  // the other side offered no telephone-event: SIP INFO
      session.sendDTMF(digit, { transportType: JsSIP.C.DTMF_TRANSPORT.INFO });
    }
  }

  phone.addEventListener("click", function (event) {
    var pressed = event.target.closest("button");
    if (!pressed) { return; }
    if (pressed.dataset.digit) { dtmf(pressed.dataset.digit); return; }
    var action = pressed.dataset.phone;
    if (action === "answer") { answer(); }
    if (action === "hangup") { hangUp(); }
    if (action === "mute" && session) {
      if (session.isMuted().audio) { session.unmute(); } else { session.mute(); }
    }
    if (action === "hold" && session) {
      if (session.isOnHold().local) { session.unhold(); } else { session.hold(); }
    }
  });

  // The desk's Answer / Decline for the offer ringing here, and its Hang up during the phone's
  // call, act on the phone (capturing: before htmx posts them, also when a key presses them).
  document.addEventListener("click", function (event) {
    var pressed = event.target.closest && event.target.closest("#desk button[name=action]");
    if (!pressed || !session) { return; }
    var action = pressed.value;
    if (action === "end" && session.direction === "outgoing" && !session.isEstablished()) {
      session.terminate();  // still dialling: stop it, and the desk ends the call as well
      return;
    }
    var ours = pressed === deskRingButton("accept") || pressed === deskRingButton("decline");
    var accepting = action === "accept" || action === "transfer_accept";
    if (ours && accepting && !session.isEstablished()) { answer(); }
    else if (ours && !accepting && !session.isEstablished()) { session.terminate({ status_code: 603 }); }
    else if (action === "end" && session.isEstablished()) { hangUp(); }
    else { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);

  // A Call button anywhere on the page (the desk's callback, a follow-up's number).
  document.addEventListener("click", function (event) {
    var pressed = event.target.closest && event.target.closest("button[data-dial]");
    if (!pressed) { return; }
    event.preventDefault();
    dial(pressed.dataset.dial);
  });

  // What the call's media did so far (getStats), for the people who check a line.
  window.hotlinePhone = {
    stats: function () {
      if (!session || !session.connection) { return Promise.resolve(null); }
      return session.connection.getStats().then(function (report) {
        var counts = { received: 0, sent: 0 };
        report.forEach(function (entry) {
          if (entry.type === "inbound-rtp" && entry.kind === "audio") { counts.received += entry.packetsReceived; }
          if (entry.type === "outbound-rtp" && entry.kind === "audio") { counts.sent += entry.packetsSent; }
        });
        return counts;
      });
    }
  };

  // A4: the desk shows this agent's transfer waiting: refer the caller where Hotline says, once.
  function referIfAsked() {
    var asked = document.querySelector("#desk [data-transfer-out]");
    if (!asked || !session || !session.isEstablished() || !phone.dataset.refer) { return; }
    var id = asked.dataset.transferOut, mine = session;
    if (referred[id]) { return; }
    referred[id] = true;
    postForJson(phone.dataset.refer.replace("/0/", "/" + encodeURIComponent(id) + "/")).then(function (address) {
      if (session !== mine) { return; }
      stateLine.textContent = word("transferring");
      mine.refer(address.refer_to, {
        eventHandlers: {
          // The colleague's phone answered the trunk's new call: this dialog is over.
          accepted: function () { if (session === mine) { mine.terminate(); } },
          failed: function () {
            if (session === mine) { stateLine.textContent = word("not-transferred"); }
          },
          requestFailed: function () {
            if (session === mine) { stateLine.textContent = word("not-transferred"); }
          }
        }
      });
    }, function () { referred[id] = false; });  // try again at the desk's next update
  }

  var desk = document.getElementById("desk");
  if (desk) {
    new MutationObserver(function () {
      check();
      if (session) { show(phone.dataset.state); }
      referIfAsked();
    })
      .observe(desk, { childList: true, subtree: true });
  }
  setInterval(check, RETRY_MS);
  check();
})();
