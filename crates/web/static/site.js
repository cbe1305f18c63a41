// closer serve: the quick exit, one closer page per tab, and small progressive enhancements.
// No storage of any kind; nothing is sent anywhere but this server.
(function () {
  "use strict";
  var exitUrl = null;

  function quickExit(url) {
    // Signed in: the session ends on the server (a beacon with the session's csrf), so the old
    // cookie opens nothing even if the browser kept it.
    var f = document.querySelector("form[data-exit-form]");
    if (f && navigator.sendBeacon) {
      var c = f.querySelector("input[name=csrf]");
      navigator.sendBeacon(target(f), new URLSearchParams({ csrf: c ? c.value : "" }));
    }
    // Blank the page at once, then replace this history entry with the neutral site.
    document.documentElement.classList.add("blank");
    if (document.body) { document.body.className = "blank"; document.body.innerHTML = ""; }
    document.title = "";
    window.location.replace(url);
  }

  // A form's address from its attribute: a field named "action" shadows the form's property.
  function target(form) {
    return new URL(form.getAttribute("action") || "", document.baseURI).href;
  }

  // The neutral site: a link's address, or (signed in) the exit forms' data-exit-to.
  function findExit() {
    var a = document.querySelector("a[data-exit]");
    if (a) { return a.href; }
    var f = document.querySelector("form[data-exit-to]");
    return f ? f.getAttribute("data-exit-to") : exitUrl;
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("form[data-exit-form] button") : null;
    if (b) {
      e.preventDefault();
      quickExit(findExit());
      return;
    }
    var a = e.target.closest ? e.target.closest("a") : null;
    if (!a) { return; }
    if (a.hasAttribute("data-exit")) {
      e.preventDefault();
      quickExit(a.href);
      return;
    }
    // Moving between closer pages replaces the history entry: a tab holds one closer page.
    if (a.origin === window.location.origin && !a.hash && a.target === "" &&
        !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      window.location.replace(a.href);
    }
  }, true);

  // Shift pressed three times (within five seconds) leaves, as the button does.
  var shifts = 0, timer = null;
  document.addEventListener("keyup", function (e) {
    if (e.key !== "Shift") { shifts = 0; return; }
    shifts += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { shifts = 0; }, 5000);
    if (shifts >= 3) { shifts = 0; quickExit(findExit()); }
  });

  // Posted forms: fetch the answer and show it in place, then put its address on the current
  // history entry, so posting never adds an entry either.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post" || !window.fetch ||
        !window.DOMParser) { return; }
    if (form.hasAttribute("data-exit-form")) { e.preventDefault(); quickExit(findExit()); return; }
    // A form that sends a file or answers with a download is left to the browser.
    if (form.hasAttribute("data-native")) { return; }
    e.preventDefault();
    var data = new URLSearchParams();
    var fd = new FormData(form);
    fd.forEach(function (v, k) { data.append(k, v); });
    if (e.submitter && e.submitter.name) { data.append(e.submitter.name, e.submitter.value); }
    fetch(target(form), {
      method: "POST", body: data, credentials: "same-origin", cache: "no-store", redirect: "follow",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (res) {
      return res.text().then(function (text) { return { url: res.url, text: text }; });
    }).then(function (r) {
      var doc = new DOMParser().parseFromString(r.text, "text/html");
      document.body.replaceWith(document.adoptNode(doc.body));
      window.history.replaceState(null, "", r.url);
      window.scrollTo(0, 0);
      // Focus moves to the answer (or the page's start) for screen readers; only an answer
      // further down the page scrolls into view.
      var answer = document.getElementById("answer");
      var target = answer || document.getElementById("main");
      if (target) { target.focus({ preventScroll: !answer }); }
      enhance();
    }).catch(function () { form.submit(); });
  });

  // A page restored from the back/forward cache reloads, so it shows nothing stale.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { window.location.reload(); }
  });

  // A signed-in page blanks itself when its session ends (idle or in all), leaving nothing on
  // the screen, then goes to the sign-in page.
  var endTimer = null;
  function watchSession() {
    clearTimeout(endTimer);
    var m = document.querySelector("main[data-ends-in]");
    if (!m) { return; }
    var secs = parseInt(m.getAttribute("data-ends-in"), 10);
    var to = m.getAttribute("data-ends-to");
    if (!(secs >= 0) || !to) { return; }
    endTimer = setTimeout(function () {
      document.documentElement.classList.add("blank");
      if (document.body) { document.body.className = "blank"; document.body.innerHTML = ""; }
      document.title = "";
      window.location.replace(to);
    }, secs * 1000);
  }

  // The break timer: a countdown, shown only with the script.
  function enhance() {
    exitUrl = findExit();
    watchSession();
    var t = document.querySelector("[data-timer]");
    if (!t) { return; }
    t.hidden = false;
    var start = t.querySelector("[data-timer-start]");
    var out = t.querySelector("[data-timer-out]");
    var input = t.querySelector("input");
    var tick = null;
    start.addEventListener("click", function () {
      var mins = Math.max(1, Math.min(240, parseInt(input.value, 10) || 20));
      var end = Date.now() + mins * 60000;
      clearInterval(tick);
      var show = function () {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 60000));
        out.textContent = String(left);
        if (left === 0) { clearInterval(tick); }
      };
      show();
      tick = setInterval(show, 15000);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else { enhance(); }
})();
