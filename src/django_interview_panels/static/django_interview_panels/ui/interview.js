/*
 * The candidate page's script (docs/ui.md): plain JavaScript, no build step, no dependency.
 *
 * The invitation link carries the token in the URL's fragment (#<token> or #token=<token>),
 * which browsers never send to a server. The script keeps it in this tab's sessionStorage, takes
 * it out of the address bar, and sends it in the X-Interview-Token header to the candidate's API
 * (docs/interviews.md), whose URLs the page's <main> names in data-api-* attributes.
 *
 * Texts come from the page (rendered in the candidate's language) and from Django's JavaScript
 * catalog (gettext, ngettext, interpolate), loaded before this file.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "interview_panels.token";
  var ITEM_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";
  var TEXT_SAVE_DELAY_MS = 800; // a pause in typing before a text answer is saved
  var RESYNC_MS = 60000; // how often the deadline is read again (a manager may change it)
  var WARN_AT_SECONDS = [300, 60]; // warnings before the time is up
  var FLUSH_AT_SECONDS = 3; // save what is typed just before the deadline
  var MAX_RETRY_SECONDS = 30;

  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values, named) {
    if (named) {
      return text.replace(/%\(\w+\)s/g, function (match) { return String(values[match.slice(2, -2)]); });
    }
    var index = 0;
    return text.replace(/%s/g, function () { return String(values[index++]); });
  };

  var main = document.getElementById("ip-main");
  var api = {
    overview: main.dataset.apiOverview,
    start: main.dataset.apiStart,
    attempt: main.dataset.apiAttempt,
    submit: main.dataset.apiSubmit,
    answer: main.dataset.apiAnswer
  };
  var maxAnswerLength = parseInt(main.dataset.maxAnswerLength, 10) || 20000;

  var state = {
    token: "",
    savers: [],
    endAt: null, // performance.now() at the server's deadline: immune to the browser's clock
    tick: null,
    resync: null,
    warned: {},
    failing: false,
    screenShown: false,
    closed: false,
    initialTitle: document.title
  };

  function find(selector, root) { return (root || document).querySelector(selector); }
  function field(name, root) { return find('[data-field="' + name + '"]', root); }
  function setText(name, text, root) {
    var element = field(name, root);
    if (element) { element.textContent = text; }
  }

  // ---- the token ---------------------------------------------------------------------------

  // A token from the fragment: "#<token>" or "#token=<token>". A fragment that names an element
  // of the page (the skip link's "#ip-main", a host's own anchors) is not one.
  function tokenInFragment() {
    var fragment = window.location.hash.replace(/^#/, "");
    if (!fragment || document.getElementById(fragment)) { return null; }
    var named = /(?:^|&)token=([^&]*)/.exec(fragment);
    try { return decodeURIComponent(named ? named[1] : fragment); } catch (error) { return ""; }
  }

  function readToken() {
    var token = tokenInFragment();
    if (token !== null) {
      try { window.sessionStorage.setItem(TOKEN_KEY, token); } catch (error) { /* private mode */ }
      // Out of the address bar and this history entry: nobody reads it over the shoulder.
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      return token;
    }
    try { return window.sessionStorage.getItem(TOKEN_KEY) || ""; } catch (error) { return ""; }
  }

  function forgetToken() {
    try { window.sessionStorage.removeItem(TOKEN_KEY); } catch (error) { /* private mode */ }
  }

  // ---- talking to the API ------------------------------------------------------------------

  function request(method, url, body) {
    var options = {
      method: method,
      headers: { "Accept": "application/json", "X-Interview-Token": state.token },
      credentials: "omit", // the token is the only credential; no cookie goes along
      cache: "no-store"
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return window.fetch(url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        return {
          status: response.status,
          payload: payload || {},
          retryAfter: parseInt(response.headers.get("Retry-After"), 10) || 0
        };
      });
    });
  }

  // The API's messages are the contract's, in English: the page shows its own, translated, and
  // leaves the API's in the console for whoever debugs.
  function logRefusal(result) {
    if (window.console) { window.console.warn("Interview API", result.status, result.payload); }
  }

  // ---- screens -----------------------------------------------------------------------------

  function show(name, options) {
    var sections = main.querySelectorAll("[data-screen]");
    for (var i = 0; i < sections.length; i++) {
      sections[i].hidden = sections[i].dataset.screen !== name;
    }
    find('[data-part="clock"]').hidden = name !== "questions";
    if (name !== "questions") { stopClock(); }
    if (name === "invalid") {
      state.closed = true;
      forgetToken();
    }
    if (!(options && options.keepAlert)) { hideAlert(); }
    // The first screen after the page loads keeps the browser's focus; every later one moves the
    // focus to its heading, so keyboard and screen reader users land on what changed.
    var heading = find('[data-screen="' + name + '"] h1');
    var quiet = options && options.quiet && !state.screenShown;
    if (name !== "loading") { state.screenShown = true; }
    if (heading && !quiet) { heading.focus(); }
  }

  function showClosed(finalState) {
    state.closed = true;
    stopClock();
    show(finalState === "expired" ? "expired" : "submitted");
  }

  function showError(message) {
    setText("error-message", message || gettext("The server could not be reached. Check your connection and try again."));
    show("error");
  }

  function showAlert(message) {
    var alert = field("alert");
    alert.textContent = message;
    alert.hidden = false;
  }

  function hideAlert() {
    var alert = field("alert");
    alert.hidden = true;
    alert.textContent = "";
  }

  function formatDate(value) {
    var date = new Date(value);
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "full", timeStyle: "short"
      }).format(date);
    } catch (error) {
      return date.toLocaleString();
    }
  }

  function renderPanel(panel) {
    setText("panel-name", panel.name);
    setText("panel-title", panel.name);
    setText("panel-description", panel.description || "");
    document.title = panel.name + " – " + state.initialTitle;
  }

  // ---- the overview: where the candidate stands ----------------------------------------------

  function loadOverview() {
    return request("GET", api.overview).then(function (result) {
      if (result.status === 401) { return show("invalid"); }
      if (result.status !== 200) {
        logRefusal(result);
        return showError();
      }
      var overview = result.payload.data;
      renderPanel(overview.panel);
      if (overview.state === "in_progress") { return loadAttempt(); }
      if (overview.state === "expired") { return closeAttempt(); }
      if (overview.state !== "not_started") { return showClosed(overview.state); }
      if (overview.can_start) { return showWelcome(overview); }
      setText("opens-at", formatDate(overview.panel.start_datetime));
      return show("not-open", { quiet: true });
    }, function () { showError(); });
  }

  function showWelcome(overview) {
    var count = overview.panel.total_number_of_questions;
    setText("question-count", String(count));
    var allowed = gettext("Until the interview closes");
    if (overview.panel.time_limit_minutes) {
      // The deadline the candidate would get now: their accommodations included.
      var minutes = Math.round((Date.parse(overview.deadline) - Date.parse(overview.server_time)) / 60000);
      allowed = interpolate(ngettext("%s minute", "%s minutes", minutes), [minutes]);
    }
    setText("time-allowed", allowed);
    setText("open-until", formatDate(overview.panel.end_datetime));
    show("welcome", { quiet: true });
  }

  function start(button) {
    button.disabled = true;
    request("POST", api.start).then(function (result) {
      button.disabled = false;
      if (result.status === 200 || result.status === 201) { return renderAttempt(result.payload.data); }
      if (result.status === 401) { return show("invalid"); }
      if (result.status === 409 && !(result.payload.errors || {}).question_distributions) {
        return loadOverview(); // not open yet, or closed meanwhile: the overview says which
      }
      logRefusal(result);
      if (result.status === 409) {
        // The bank cannot fill the question set (docs/interviews.md): nothing was started.
        return showError(gettext("The interview's questions are not ready yet, so it cannot start. Please try again later, or contact the person who invited you."));
      }
      return showError();
    }, function () {
      button.disabled = false;
      showAlert(gettext("The interview could not be started: the connection failed. Please try again."));
    });
  }

  function loadAttempt() {
    return request("GET", api.attempt).then(function (result) {
      if (result.status === 401) { return show("invalid"); }
      if (result.status !== 200) {
        logRefusal(result);
        return showError();
      }
      return renderAttempt(result.payload.data);
    }, function () { showError(); });
  }

  // ---- the questions -----------------------------------------------------------------------

  function renderAttempt(attempt) {
    if (attempt.state === "expired") { return closeAttempt(); }
    if (attempt.state !== "in_progress") { return showClosed(attempt.state); }
    var list = find('[data-part="items"]');
    list.textContent = "";
    dropSavers();
    var total = attempt.items.length;
    setText("questions-title", interpolate(ngettext("%s question", "%s questions", total), [total]));
    attempt.items.forEach(function (item) { list.appendChild(renderItem(item, total)); });
    updateSummary();
    show("questions");
    startClock(attempt.deadline, attempt.server_time);
  }

  var HINTS = {
    single_choice: function () { return gettext("Choose one answer."); },
    multiple_choice: function () { return gettext("Choose every answer that applies."); },
    numeric: function () { return gettext("Enter a number, for example 42 or 3.5."); },
    short_answer: function () { return gettext("Answer in a few words."); },
    open: function () { return gettext("Answer in your own words."); }
  };

  function renderItem(item, total) {
    var node = find('template[data-template="item"]').content.firstElementChild.cloneNode(true);
    var id = "ip-item-" + item.uuid;
    var fieldset = find("fieldset", node);
    node.id = id;
    setText("number", interpolate(gettext("Question %(number)s of %(total)s"), { number: item.position, total: total }, true), node);
    setText("points", interpolate(ngettext("(%s point)", "(%s points)", item.points), [item.points]), node);
    setText("text", item.text, node);
    setText("hint", (HINTS[item.kind] || HINTS.open)(), node);
    field("legend", node).id = id + "-legend";
    field("text", node).id = id + "-text";
    field("hint", node).id = id + "-hint";
    var described = id + "-text " + id + "-hint";
    // Named by its number and its text: screen readers entering a radio group announce the
    // group's name, not always its description.
    fieldset.setAttribute("aria-labelledby", id + "-legend " + id + "-text");
    fieldset.setAttribute("aria-describedby", id + "-hint");

    var saver = new Saver(item, field("status", node));
    state.savers.push(saver);
    var answer = find('[data-part="answer"]', node);
    if (item.kind === "single_choice" || item.kind === "multiple_choice") {
      renderChoices(item, answer, saver, id);
    } else {
      renderText(item, answer, saver, id, described);
    }
    return node;
  }

  function renderChoices(item, container, saver, id) {
    var multiple = item.kind === "multiple_choice";
    var chosen = Array.isArray(item.answer) ? item.answer : [];
    var inputs = [];
    item.choices.forEach(function (choice, index) {
      var row = document.createElement("div");
      row.className = "ip-choice";
      var input = document.createElement("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = id;
      input.id = id + "-choice-" + index;
      input.value = String(index);
      input.checked = chosen.indexOf(index) !== -1;
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = choice;
      row.appendChild(input);
      row.appendChild(label);
      container.appendChild(row);
      inputs.push(input);
    });
    saver.read = function () {
      return inputs.filter(function (input) { return input.checked; })
        .map(function (input) { return parseInt(input.value, 10); });
    };
    saver.isAnswered = function () { return saver.read().length > 0; };
    container.addEventListener("change", function () { saver.change(saver.read(), 0); });
    saver.controls = inputs;
  }

  function renderText(item, container, saver, id, described) {
    var label = document.createElement("label");
    label.className = "ip-answer-label";
    label.htmlFor = id + "-answer";
    label.textContent = gettext("Your answer");
    var input;
    if (item.kind === "open") {
      input = document.createElement("textarea");
      input.rows = 6;
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.autocomplete = "off";
      if (item.kind === "numeric") { input.inputMode = "decimal"; }
    }
    input.id = id + "-answer";
    input.maxLength = maxAnswerLength;
    input.setAttribute("aria-describedby", described + " " + id + "-status");
    field("status", container.parentNode).id = id + "-status";
    input.value = item.answer === null || item.answer === undefined ? "" : String(item.answer);
    container.appendChild(label);
    container.appendChild(input);

    saver.read = function () {
      var text = input.value;
      if (item.kind !== "numeric") { return text === "" ? null : text; }
      var trimmed = text.trim();
      if (trimmed === "") { return null; }
      // A decimal comma is read as a point ("3,5" is 3.5); "1,000" could be a thousand or one
      // and is refused as not a number yet, rather than saved as the wrong one.
      if (/^[+-]?\d{1,3}(,\d{3})+$/.test(trimmed)) { return undefined; }
      var number = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed.replace(",", ".")) : NaN;
      return isFinite(number) ? number : undefined;
    };
    saver.isAnswered = function () { return input.value.trim() !== ""; };
    input.addEventListener("input", function () {
      var value = saver.read();
      if (value === undefined) {
        input.setAttribute("aria-invalid", "true");
        saver.problem(gettext("This is not a number yet: it is not saved."));
        return;
      }
      input.removeAttribute("aria-invalid");
      saver.change(value, TEXT_SAVE_DELAY_MS);
    });
    // Leaving the field saves at once: the time spent is credited to the item left.
    input.addEventListener("blur", function () { saver.flush(); });
    saver.controls = [input];
  }

  // ---- autosave ----------------------------------------------------------------------------

  // One per item: sends the latest answer, one request at a time (so an older answer never lands
  // after a newer one), and retries with a growing pause while the network or server fails.
  function Saver(item, statusElement) {
    this.url = api.answer.replace(ITEM_PLACEHOLDER, item.uuid);
    this.statusElement = statusElement;
    this.saved = JSON.stringify(item.answer === undefined ? null : item.answer);
    this.wanted = this.saved;
    this.inFlight = null;
    this.timer = null;
    this.failures = 0;
    this.invalid = false;
    this.setStatus(item.answer === null || item.answer === undefined ? "" : gettext("Saved"), "saved");
  }

  Saver.prototype.dirty = function () { return this.wanted !== this.saved; };

  Saver.prototype.setStatus = function (text, kind) {
    this.statusElement.textContent = text;
    this.statusElement.dataset.state = kind;
    updateSummary();
  };

  Saver.prototype.problem = function (text) {
    window.clearTimeout(this.timer);
    this.invalid = true;
    this.setStatus(text, "error");
  };

  Saver.prototype.change = function (value, delay) {
    var self = this;
    this.wanted = JSON.stringify(value);
    this.invalid = false;
    window.clearTimeout(this.timer);
    if (!this.dirty()) {
      if (!this.inFlight) { this.setStatus(gettext("Saved"), "saved"); }
      return;
    }
    this.setStatus(gettext("Not saved yet"), "pending");
    this.timer = window.setTimeout(function () { self.flush(); }, delay);
  };

  // Resolves once this item's latest answer is saved, or once saving it has failed this time.
  Saver.prototype.flush = function () {
    var self = this;
    window.clearTimeout(this.timer);
    if (this.inFlight) { return this.inFlight.then(function () { return self.flush(); }); }
    if (!this.dirty() || this.invalid || this.dropped || state.closed) { return Promise.resolve(); }
    var sending = this.wanted;
    this.setStatus(gettext("Saving…"), "saving");
    this.inFlight = request("PUT", this.url, { answer: JSON.parse(sending) }).then(function (result) {
      self.inFlight = null;
      if (result.status === 200) {
        self.saved = sending;
        self.failures = 0;
        if (self.dirty()) { return self.flush(); }
        return self.setStatus(gettext("Saved"), "saved");
      }
      if (result.status === 401) { return show("invalid"); }
      if (result.status === 409) { return refreshAfterRefusal(); }
      if (result.status === 400 || result.status === 404) {
        logRefusal(result);
        return self.problem(gettext("Not saved: this answer was not accepted. Check it, then change it to save it again."));
      }
      return self.retry(result.retryAfter);
    }, function () {
      self.inFlight = null;
      return self.retry(0);
    });
    return this.inFlight;
  };

  Saver.prototype.retry = function (seconds) {
    var self = this;
    if (this.dropped || state.closed) { return; }
    this.failures += 1;
    var wait = seconds || Math.min(MAX_RETRY_SECONDS, Math.pow(2, this.failures - 1));
    this.setStatus(gettext("Not saved: the connection failed. Trying again…"), "retrying");
    this.timer = window.setTimeout(function () { self.flush(); }, wait * 1000);
  };

  function dropSavers() {
    state.savers.forEach(function (saver) {
      window.clearTimeout(saver.timer);
      saver.dropped = true;
    });
    state.savers = [];
  }

  function flushAll() {
    return Promise.all(state.savers.map(function (saver) { return saver.flush(); }));
  }

  function updateSummary() {
    var summary = field("save-summary");
    var unsaved = state.savers.filter(function (saver) { return saver.dirty() || saver.invalid; }).length;
    var failing = state.savers.some(function (saver) { return saver.failures > 0 || saver.invalid; });
    var text = gettext("All answers saved");
    if (failing) {
      text = interpolate(ngettext("%s answer is not saved", "%s answers are not saved", unsaved), [unsaved]);
    } else if (unsaved) {
      text = gettext("Saving…");
    }
    if (summary.textContent !== text) { summary.textContent = text; }
    summary.dataset.state = failing ? "error" : unsaved ? "saving" : "saved";
    // Screen readers hear only the changes that matter: saving failed, and saving works again.
    if (failing !== state.failing) {
      state.failing = failing;
      setText("announcer", failing
        ? gettext("Some answers are not saved: the connection failed. The page keeps trying.")
        : gettext("All answers saved"));
    }
  }

  // A save or submit the server refused because the attempt is closed: read what it became.
  function refreshAfterRefusal() {
    return request("GET", api.attempt).then(function (result) {
      if (result.status === 401) { return show("invalid"); }
      var attempt = result.payload.data || {};
      if (attempt.state === "expired") { return closeAttempt(); }
      if (attempt.state && attempt.state !== "in_progress") { return showClosed(attempt.state); }
      return undefined;
    }, function () { /* the next save or the clock will try again */ });
  }

  // ---- the clock ---------------------------------------------------------------------------

  function startClock(deadline, serverTime) {
    syncClock(deadline, serverTime);
    if (!state.tick) { state.tick = window.setInterval(tick, 1000); }
    if (!state.resync) { state.resync = window.setInterval(resync, RESYNC_MS); }
    tick();
  }

  function syncClock(deadline, serverTime) {
    state.endAt = window.performance.now() + (Date.parse(deadline) - Date.parse(serverTime));
    // A deadline moved later (a manager gave more time) warns again when it comes near.
    var seconds = secondsLeft();
    WARN_AT_SECONDS.forEach(function (mark) { if (seconds > mark) { state.warned[mark] = false; } });
  }

  function stopClock() {
    window.clearInterval(state.tick);
    window.clearInterval(state.resync);
    state.tick = null;
    state.resync = null;
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((state.endAt - window.performance.now()) / 1000));
  }

  function pad(number) { return number < 10 ? "0" + number : String(number); }

  function formatDuration(seconds) {
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var clock = (hours || days ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds % 60);
    if (!days) { return clock; }
    return interpolate(ngettext("%(days)s day, %(clock)s", "%(days)s days, %(clock)s", days), { days: days, clock: clock }, true);
  }

  function tick() {
    var seconds = secondsLeft();
    setText("time-left", formatDuration(seconds));
    find('[data-part="clock"]').classList.toggle("ip-urgent", seconds <= 60);
    var due = WARN_AT_SECONDS.filter(function (mark) { return seconds <= mark && !state.warned[mark]; });
    if (seconds > 0 && due.length) {
      due.forEach(function (mark) { state.warned[mark] = true; });
      var minutes = Math.min.apply(null, due) / 60;
      showAlert(interpolate(ngettext(
        "Less than %s minute left. Your answers are saved as you go; submit before the time is up.",
        "Less than %s minutes left. Your answers are saved as you go; submit before the time is up.",
        minutes), [minutes]));
    }
    if (seconds <= FLUSH_AT_SECONDS && seconds > 0) { flushAll(); }
    if (seconds === 0) { timeUp(); }
  }

  function resync() {
    request("GET", api.overview).then(function (result) {
      if (result.status === 401) { return show("invalid"); }
      if (result.status !== 200 || state.closed) { return undefined; }
      var overview = result.payload.data;
      if (overview.state === "in_progress") { return syncClock(overview.deadline, overview.server_time); }
      if (overview.state === "expired") { return closeAttempt(); }
      return showClosed(overview.state);
    }, function () { /* offline: the clock runs on; the next resync tries again */ });
  }

  function setControlsDisabled(disabled) {
    state.savers.forEach(function (saver) {
      (saver.controls || []).forEach(function (control) { control.disabled = disabled; });
    });
    find('[data-action="submit"]').disabled = disabled;
  }

  function timeUp() {
    if (state.closed) { return; }
    stopClock();
    setControlsDisabled(true);
    closeAttempt();
  }

  // Past the deadline: the submit closes the attempt as expired with the answers saved before.
  function closeAttempt() {
    state.closed = true;
    return request("POST", api.submit).then(function (result) {
      var attempt = (result.payload && result.payload.data) || {};
      showClosed(result.status === 200 ? attempt.state : "expired");
    }, function () { showClosed("expired"); });
  }

  // ---- submitting --------------------------------------------------------------------------

  function askToSubmit(event) {
    event.preventDefault();
    var total = state.savers.length;
    var answered = state.savers.filter(function (saver) { return saver.isAnswered(); }).length;
    setText("confirm-text", interpolate(ngettext(
      "You have answered %(answered)s of %(total)s question.",
      "You have answered %(answered)s of %(total)s questions.", total),
      { answered: answered, total: total }, true));
    find('[data-part="confirm"]').showModal();
  }

  function submit() {
    var dialog = find('[data-part="confirm"]');
    dialog.close();
    // Nothing typed from now on could be saved: the inputs wait, read-only, for the outcome.
    setControlsDisabled(true);
    flushAll().then(function () {
      var unsaved = state.savers.filter(function (saver) { return saver.dirty() || saver.invalid; });
      if (unsaved.length) {
        setControlsDisabled(false);
        showAlert(gettext("Some answers are not saved yet, so nothing was submitted. Check the questions marked “Not saved”, then submit again."));
        return undefined;
      }
      state.closed = true;
      return request("POST", api.submit).then(function (result) {
        if (result.status === 200) { return showClosed(result.payload.data.state); }
        if (result.status === 401) { return show("invalid"); }
        logRefusal(result);
        state.closed = false;
        setControlsDisabled(false);
        showAlert(gettext("Your answers could not be submitted. Please try again."));
        return undefined;
      });
    }).catch(function () {
      state.closed = false;
      setControlsDisabled(false);
      showAlert(gettext("Your answers could not be submitted: the connection failed. Please try again."));
    });
  }

  // ---- wiring ------------------------------------------------------------------------------

  function boot() {
    state.closed = false;
    state.token = readToken();
    if (!state.token) { return show("invalid", { quiet: true }); }
    return loadOverview();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) { return; }
    var action = target.dataset.action;
    if (action === "start") { start(target); }
    if (action === "reload") { show("loading", { quiet: true }); loadOverview(); }
    if (action === "cancel-submit") {
      find('[data-part="confirm"]').close();
      find('[data-action="submit"]').focus();
    }
    if (action === "confirm-submit") { submit(); }
  });
  find('[data-part="form"]').addEventListener("submit", askToSubmit);
  // Enter in a one-line answer would submit the form (the browser's implicit submission).
  find('[data-part="form"]').addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type === "text") {
      event.preventDefault();
    }
  });
  window.addEventListener("online", function () { flushAll(); });
  // A new invitation link pasted into this tab; in-page anchors are not tokens.
  window.addEventListener("hashchange", function () { if (tokenInFragment()) { boot(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && state.tick) { resync(); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!state.closed && state.savers.some(function (saver) { return saver.dirty(); })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  boot();
})();
