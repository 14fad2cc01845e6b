// roulement's pages: every read and write goes through the REST API under /api.
"use strict";

const T = JSON.parse(document.getElementById("messages").textContent);
const L = JSON.parse(document.getElementById("locale").textContent);  // Babel's CLDR patterns, the site's zone
const COLON = L.lang === "fr" ? "\u00a0: " : ": ";  // French sets a (non-breaking) space before a colon
// Plural entries of the catalogue, per CLDR plural category; the browser's Intl.PluralRules picks the category.
const P = JSON.parse(document.getElementById("plurals").textContent);
const pluralRules = new Intl.PluralRules(L.lang);
function plural(key, n) {
  const forms = P[key];
  return (forms[pluralRules.select(n)] ?? forms.other).replace("{n}", formatNumber(n, 0));
}
const $ = (id) => document.getElementById(id);

// Shape a date with a CLDR pattern (from Babel): y, M, d, E, H, h, m, a and quoted text.
function applyPattern(pattern, p) {
  return pattern.replace(/'([^']*)'|y+|M+|d+|E+|H+|h+|m+|a/g, (token, quoted) => {
    if (quoted !== undefined) return quoted;
    const n = token.length;
    switch (token[0]) {
      case "y": return n === 2 ? String(p.year).slice(-2) : String(p.year);
      case "M": return n >= 3 ? L.months_abbr[p.month - 1] : n === 2 ? String(p.month).padStart(2, "0") : String(p.month);
      case "d": return n === 2 ? String(p.day).padStart(2, "0") : String(p.day);
      case "E": return L.days_abbr[p.weekday];
      case "H": return n === 2 ? String(p.hour).padStart(2, "0") : String(p.hour);
      case "h": return String(((p.hour + 11) % 12) + 1);
      case "m": return String(p.minute).padStart(2, "0");
      case "a": return p.hour < 12 ? "AM" : "PM";
      default: return token;
    }
  });
}

function dateParts(iso) {  // "2026-01-05" -> parts (a calendar date: no zone)
  const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
  const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;  // Monday = 0
  return { year, month, day, weekday, hour: 0, minute: 0 };
}

function formatDate(iso, style) { return iso ? applyPattern(style === "medium" ? L.date_medium : L.date_short, dateParts(iso)) : ""; }

// An instant (ISO with offset) in the site's time zone, shaped by the language's patterns.
function formatInstant(iso) {
  if (!iso) return "";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: L.zone, year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  const p = dateParts(`${parts.year}-${parts.month}-${parts.day}`);
  Object.assign(p, { hour: Number(parts.hour), minute: Number(parts.minute) });
  return `${applyPattern(L.date_short, p)} ${applyPattern(L.time_short, p)}`;
}

function formatNumber(x, decimals) {
  if (x === null || x === undefined) return "–";
  const [whole, fraction] = Math.abs(x).toFixed(decimals ?? 0).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, L.group);
  return (x < 0 ? "−" : "") + grouped + (fraction ? L.decimal + fraction : "");
}

const word = (prefix, value) => T[`${prefix}.${value}`] || value;

// What accepting a request did: honoured, or not and under which rules.
function outcomeText(r) {
  const o = r.outcome;
  if (r.status !== "accepted" || !o) return "";
  if (r.kind === "swap") return o.carried_out ? `${T.swap_done} #${o.roster_id}` : T.swap_not_done;
  if (o.honoured) return `${T.honoured}${o.version ? ` (${T.version} ${o.version})` : ""}`;
  return `${T.not_honoured}${o.rules && o.rules.length ? COLON + o.rules.join(", ") : ""}`;
}
// Who acted, as the audit trail names them: an account, or the command line, or a visitor not signed in.
function actorName(name) {
  return name === "(command line)" ? `(${T["actor.cli"]})` : name === "(not signed in)" ? `(${T["actor.anonymous"]})` : name;
}

// The solver's reason is English: a tooltip on English pages only (the rules that stood in the way are in the text).
function outcomeCell(r) { return el("span", { title: L.lang === "en" ? r.outcome?.reason || "" : "" }, outcomeText(r)); }
const statusWord = (status) => word("status", status);

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )roulement_csrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

let leaving = false;  // on the way to /login

async function api(method, url, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") options.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  if (response.status === 401 && document.body.dataset.page !== "login") {
    // Once: a read still in flight when the session ends must not start the way to /login a second time.
    if (!leaving) {
      leaving = true;
      location.href = "/login";
    }
    throw new Error("not signed in");
  }
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error((data && data.detail) || response.statusText);
    error.status = response.status;
    // The server's reasons in the page's language, each with its field as the API names it (`requests[0].shift`).
    error.problems = data && Array.isArray(data.problems) ? data.problems : null;
    throw error;
  }
  return data;
}

// A refusal's reasons, each led by its field in the reader's words when the page can name it (`fieldWords`: the
// set-up page's tables), the API's name for the field as a tooltip.
let fieldWords = null;
function showError(error) {
  const box = $("error");
  const problems = error.problems && fieldWords ? error.problems : null;
  const [colon, semicolon] = [COLON, L.lang === "fr" ? " ; " : "; "];
  const text = problems ? problems.map((p) => (p.field ? fieldWords(p.field) + colon : "") + p.message).join(semicolon)
    : String(error.message);
  box.textContent = error.status === 409 ? T.conflict + " (" + text + ")" : text;
  box.title = problems ? problems.map((p) => p.field || "").filter(Boolean).join(", ") : "";
  box.hidden = false;
}

function clearError() { $("error").hidden = true; }

// Build an element: el("td", {className: "x"}, "text", child...)
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function button(label, onClick) {
  const b = el("button", { type: "button" }, label);
  // A stale error goes as soon as the next action starts; a new one replaces it.
  b.addEventListener("click", () => { clearError(); onClick().catch(showError); });
  return b;
}

function fillTable(table, header, rows) {
  table.replaceChildren(el("tr", {}, ...header.map((h) => el("th", {}, h))), ...rows.map(
    (cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c)))));
}

// Dark shift colours get white text so the letter stays readable.
function paint(td, color) {
  td.style.background = color;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  if (0.299 * r + 0.587 * g + 0.114 * b < 140) td.style.color = "#fff";
}

// A violation in the page's language: who, when, and the rule's own statement from the report's messages
// (roulement.report.messages, sent with the roster as `statements`); the checker's English detail only in English.
let STATEMENTS = {};
let NAMES = {};
function describe(v) {
  const who = v.employee ? (NAMES[v.employee] || v.employee) : "";
  const when = v.dates.map((d) => formatDate(d)).join(", ");
  const statement = STATEMENTS[v.rule]?.[L.lang];
  const what = statement ? statement : `${v.rule} (${v.reference})`;
  const detail = L.lang === "en" && statement ? ` — ${v.message}` : "";
  return [who, when].filter(Boolean).join(" · ") + COLON + what + detail;
}

function violationItem(v) {
  const item = el("li", { title: v.rule }, describe(v));  // the statement cites the reference in the page's words
  item.dataset.rule = v.rule;
  item.dataset.employee = v.employee || "";
  return item;
}

async function whoAmI() {
  const me = await api("GET", "/api/me");
  $("nav").hidden = false;
  $("who").textContent = `${me.username} (${word("role", me.role)})`;
  for (const link of document.querySelectorAll("#nav a[data-role]")) link.hidden = link.dataset.role !== me.role;
  $("logout").addEventListener("click", async () => {
    await api("POST", "/api/logout");
    leaving = true;
    location.href = "/login";
  });
  return me;
}

// "Change my password", on each signed-in page that has the form.
function passwordForm() {
  const form = $("password-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    try {
      await api("POST", "/api/me/password", { current_password: $("own-current-password").value, new_password: $("own-new-password").value });
      $("password-done").hidden = false;
      form.reset();
    } catch (error) { showError(error); }
  });
}

const HOME = { planner: "/planner", employee: "/employee", council: "/council", admin: "/admin" };

const pages = {
  async login() {
    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError();
      try {
        const me = await api("POST", "/api/login", { username: $("username").value, password: $("password").value });
        location.href = HOME[me.role];
      } catch (error) { showError(error); }
    });
  },

  async planner() {
    await whoAmI();
    let job = null;
    let people = [], scenario = null, page = 0;
    const PAGE = 25;
    const refresh = async () => {
      const scenarios = await api("GET", "/api/scenarios");
      fillTable($("scenarios"), ["#", T.name, T.employees_count, T.start, T.days, ""], scenarios.map((s) => [
        s.id, s.name, s.employees, formatDate(s.start), s.days, el("span", {}, button(T.solve, () => startSolve(s.id)),
          el("a", { href: `/setup/${s.id}`, className: "setup-link" }, T.set_up), " ",
          button(T.next_period, async () => { await api("POST", `/api/scenarios/${s.id}/roll-forward`); await refresh(); }))]));
      const select = $("people-scenario");
      const chosen = select.value;
      select.replaceChildren(...scenarios.map((s) => el("option", { value: s.id }, `${s.id} · ${s.name}`)));
      if (chosen) select.value = chosen;
      const rosters = await api("GET", "/api/rosters");
      fillTable($("rosters"), ["#", T.name, T.version, T.updated, ""], rosters.map((r) => [
        r.id, r.name, r.version, formatInstant(r.updated_at), el("a", { href: `/roster/${r.id}` }, T.open)]));
      await showRequests();
      if (select.value) await showPeople(Number(select.value));
    };
    const showRequests = async () => {
      const query = new URLSearchParams();
      if ($("requests-status").value) query.set("status", $("requests-status").value);
      if ($("requests-kind").value) query.set("kind", $("requests-kind").value);
      const requests = await api("GET", `/api/requests?${query}`);
      $("requests-count").textContent = plural("n_requests", requests.filter((r) => r.status === "open").length);
      fillTable($("requests"), ["#", T.name, T.kind, T.date, T.swap_with, T.note, T.status, T.result, ""], requests.map((r) => [
        r.id, r.employee_name, word("kind", r.kind), formatDate(r.date, "medium"), r.swap_with_name || "", r.note, statusWord(r.status), outcomeCell(r),
        r.status === "open" ? el("span", {}, button(T.accept, () => decideRequest(r.id, "accepted")),
                                    button(T.refuse, () => decideRequest(r.id, "refused")),
                                    r.kind === "day_off" ? priceButton(r) : "") : ""]));
    };
    // The cost of granting a day off, before deciding: a local re-solve priced against the roster (explain).
    const priceButton = (r) => {
      const answer = el("div", { className: "price", id: `price-${r.id}` });
      const start = button(T.price, async () => {
        start.disabled = true;
        answer.textContent = T.pricing;
        try {
          const priced = await api("POST", `/api/requests/${r.id}/price`);
          answer.replaceChildren(...priced.lines.map((line) => el("div", {}, line)));
        } catch (error) { answer.textContent = ""; showError(error); }
        start.disabled = false;
      });
      return el("span", {}, start, answer);
    };
    // Accepting acts: a swap is done at once; a day off may start a local re-plan, followed here to its end.
    const decideRequest = async (id, status) => {
      let decided = await api("POST", `/api/requests/${id}/decision`, { status });
      let replan = decided.job;
      while (replan && replan.status === "running") {
        $("notice-planner").textContent = `${T.progress}${COLON}${T.elapsed} ${formatNumber(replan.progress?.elapsed ?? 0, 1)} s`;
        $("notice-planner").hidden = false;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        replan = await api("GET", `/api/jobs/${replan.id}`);
      }
      if (replan) decided = (await api("GET", "/api/requests")).find((r) => r.id === id) || decided;
      const text = outcomeText(decided);
      $("notice-planner").hidden = !text;
      $("notice-planner").textContent = text;
      $("notice-planner").title = L.lang === "en" ? decided.outcome?.reason || "" : "";
      await refresh();
    };
    const showPeople = async (scenarioId) => {
      scenario = await api("GET", `/api/scenarios/${scenarioId}`);
      people = [...scenario.employees].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id, L.lang));
      $("consent-required").checked = scenario.consent_required;
      $("absence-person").replaceChildren(el("option", { value: "" }, T.choose),
        ...people.map((e) => el("option", { value: e.id }, `${e.name || e.id} (${e.id})`)));
      drawPeople();
    };
    // One page of people at a time, searchable: the page stays short on a plant of hundreds.
    const drawPeople = () => {
      const term = $("people-search").value.trim().toLowerCase();
      const found = people.filter((e) => !term || (e.name || "").toLowerCase().includes(term) || e.id.toLowerCase().includes(term));
      const pages = Math.max(1, Math.ceil(found.length / PAGE));
      page = Math.min(page, pages - 1);
      $("people-page").textContent = `${T.page} ${page + 1} ${T.of} ${pages} · ${plural("n_people", found.length)}`;
      fillTable($("people"), [T.name, "#", T.skills, T.team, T.absences], found.slice(page * PAGE, (page + 1) * PAGE).map((e) => [
        e.name || "", e.id, (e.skills || []).join(", "), e.team || "",
        el("span", {}, ...(e.absences || []).map((a, i) => el("span", { className: "absence" },
          `${formatDate(a.start)} – ${formatDate(a.end)} (${word("absence", a.kind)}) `,
          button("×", async () => { await api("DELETE", `/api/scenarios/${scenario.id}/employees/${e.id}/absences/${i}?version=${scenario.version}`); await refresh(); }))))]));
    };
    $("people-search").addEventListener("input", () => { page = 0; drawPeople(); });
    $("people-prev").addEventListener("click", () => { page = Math.max(0, page - 1); drawPeople(); });
    $("people-next").addEventListener("click", () => { page += 1; drawPeople(); });
    $("absence-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError();
      try {
        await api("POST", `/api/scenarios/${scenario.id}/employees/${$("absence-person").value}/absences`,
          { version: scenario.version, start: $("absence-start").value, end: $("absence-end").value, kind: $("absence-kind").value });
        await refresh();
      } catch (error) { showError(error); }
    });
    $("consent-required").addEventListener("change", async () => {
      clearError();
      try { await api("PUT", `/api/scenarios/${scenario.id}/settings`, { consent_required: $("consent-required").checked }); }
      catch (error) { showError(error); }
    });
    for (const control of ["requests-status", "requests-kind"]) $(control).addEventListener("change", () => showRequests().catch(showError));
    const startSolve = async (scenarioId) => {
      job = await api("POST", `/api/scenarios/${scenarioId}/solve`, { time_limit: Number($("time-limit").value) });
      $("job").hidden = false;
      poll();
    };
    const poll = async () => {
      job = await api("GET", `/api/jobs/${job.id}`);
      const p = job.progress;
      $("job-status").textContent = p
        ? `${T.status}${COLON}${statusWord(job.status)} · ${T.objective}${COLON}${formatNumber(p.objective)} · ${T.bound}${COLON}${formatNumber(p.bound)} · ${T.elapsed}${COLON}${formatNumber(p.elapsed, 1)} s`
        : `${T.status}${COLON}${statusWord(job.status)}`;
      if (job.status === "running") setTimeout(() => poll().catch(showError), 1000);
      else {
        if (job.roster_id) $("job-status").replaceChildren(`${T.status}${COLON}${statusWord(job.status)} · `, el("a", { href: `/roster/${job.roster_id}`, id: "job-roster" }, T.new_plan_done));
        await refresh();
      }
    };
    $("cancel-job").addEventListener("click", () => job && api("POST", `/api/jobs/${job.id}/cancel`).catch(showError));
    $("people-scenario").addEventListener("change", () => showPeople(Number($("people-scenario").value)).catch(showError));
    $("import-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("yaml-file").files[0];
      if (!file) return;
      try { await api("POST", "/api/scenarios", { name: file.name, yaml: await file.text() }); clearError(); await refresh(); }
      catch (error) { showError(error); }
    });
    // A people or demand file is previewed first (added, changed, removed); nothing is saved until confirmed.
    let pendingUpload = null;
    const LEVEL_WORDS = { min: T.min, preferred: T.preferred, max: T["col.max"], under_weight: T["col.weight"], over_weight: T["col.weight"] };
    // A demand row's days in the reader's words: all, weekdays, weekends, or the days' own names (mon … sun).
    const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const dayWord = (day) => WEEKDAYS.includes(day) ? L.days_abbr[WEEKDAYS.indexOf(day)] : (T[`days.${day}`] || day);
    const demandRow = (d) => `${d.post} · ${d.shifts.join(" ")} · ${(Array.isArray(d.days) ? d.days : [d.days]).map(dayWord).join(" ")}`;
    $("table-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("table-file").files[0];
      const scenarioId = $("people-scenario").value;
      if (!file || !scenarioId) return;
      const xlsx = file.name.toLowerCase().endsWith(".xlsx");
      const bytes = new Uint8Array(await file.arrayBuffer());
      const content = xlsx ? btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")) : new TextDecoder().decode(bytes);
      const kind = $("table-kind").value;
      try {
        clearError();
        const current = await api("GET", `/api/scenarios/${scenarioId}`);
        const body = { version: current.version, format: xlsx ? "xlsx" : "csv", content, filename: file.name };
        const preview = await api("POST", `/api/scenarios/${scenarioId}/${kind === "demand" ? "demand" : "employees"}/import`, { ...body, preview: true });
        pendingUpload = { scenarioId, body, kind };
        $("preview-summary").textContent = `${T.import_added}${COLON}${preview.added.length} · ${T.import_changed}${COLON}${preview.changed.length} · ${T.import_removed}${COLON}${preview.removed.length}`;
        if (kind === "demand") {
          const levels = (d) => `${T.min} ${d.min}` + (d.preferred != null ? ` · ${T.preferred} ${d.preferred}` : "") + (d.max != null ? ` · ${T["col.max"]} ${d.max}` : "");
          fillTable($("preview-table"), [T.kind, T.post, T.changes], [
            ...preview.added.map((d) => [T.import_added, demandRow(d), levels(d)]),
            ...preview.changed.map((c) => [T.import_changed, demandRow(c.demand),
              c.fields.map((f) => `${LEVEL_WORDS[f] || f}${COLON}${c.before[f] ?? "–"} → ${c.demand[f] ?? "–"}`).join(", ")]),
            ...preview.removed.map((d) => [T.import_removed, demandRow(d), levels(d)])]);
        } else {
          const names = Object.fromEntries(people.map((e) => [e.id, e.name || e.id]));
          fillTable($("preview-table"), [T.kind, T.name, T.changes], [
            ...preview.added.map((id) => [T.import_added, id, ""]),
            ...preview.changed.map((c) => [T.import_changed, names[c.id] || c.id, c.fields.join(", ")]),
            ...preview.removed.map((id) => [T.import_removed, names[id] || id, ""])]);
        }
        $("preview-keep").hidden = kind === "demand";  // keeping those missing from the file: people only
        $("preview-confirm").textContent = kind === "demand" ? T.save : T.import_confirm;
        $("import-preview").hidden = false;
      } catch (error) { showError(error); }
    });
    const confirmUpload = async (keepMissing) => {
      if (!pendingUpload) return;
      clearError();
      try {
        const target = pendingUpload.kind === "demand" ? "demand" : "employees";
        await api("POST", `/api/scenarios/${pendingUpload.scenarioId}/${target}/import`,
                  target === "demand" ? pendingUpload.body : { ...pendingUpload.body, keep_missing: keepMissing });
        $("import-preview").hidden = true;
        pendingUpload = null;
        await refresh();
      } catch (error) { showError(error); }
    };
    $("preview-confirm").addEventListener("click", () => confirmUpload(false));
    $("preview-keep").addEventListener("click", () => confirmUpload(true));
    $("preview-cancel").addEventListener("click", () => { $("import-preview").hidden = true; pendingUpload = null; });
    $("blank-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError();
      try {
        const made = await api("POST", "/api/scenarios", { name: $("blank-name").value,
          blank: { jurisdiction: $("blank-law").value, start: $("blank-start").value } });
        location.href = `/setup/${made.id}`;
      } catch (error) { showError(error); }
    });
    for (const id of ["import-example", "import-example-de"])
      $(id).addEventListener("click", () => api("POST", "/api/scenarios", { example: $(id).dataset.example }).then(refresh).catch(showError));
    await refresh();
  },

  async roster() {
    await whoAmI();
    const id = document.body.dataset.rosterId;
    let roster = await api("GET", `/api/rosters/${id}`);
    STATEMENTS = roster.statements;
    NAMES = Object.fromEntries(roster.employees.map((e) => [e.id, e.name]));
    for (const [link, file] of [["dl-csv", "roster.csv"], ["dl-xlsx", "roster.xlsx"], ["dl-html", "report.html"]])
      $(link).href = `/api/rosters/${id}/${file}`;
    // The printable roster for the notice board: every team (a page each) or one, in the site's language.
    const teams = [...new Set(roster.employees.map((e) => e.team).filter(Boolean))].sort();
    $("pdf-team").replaceChildren(el("option", { value: "" }, T.every_team), ...teams.map((t) => el("option", { value: t }, t)));
    const pdfLink = () => { $("dl-pdf").href = `/api/rosters/${id}/roster.pdf` + ($("pdf-team").value ? `?team=${encodeURIComponent($("pdf-team").value)}` : ""); };
    $("pdf-team").addEventListener("input", pdfLink);
    pdfLink();
    const colors = Object.fromEntries(roster.shifts.map((s) => [s.id, s.color]));
    const holidays = new Set(roster.holidays);
    const undoStack = [];
    let caused = new Set();
    // Accepted day-off requests the roster does not honour: marked in the grid with the reason.
    const unhonoured = new Map((roster.accepted_day_off || []).filter((r) => !r.honoured).map((r) => [`${r.employee}|${r.date}`, r]));

    // Filters: by name, team, crew, post (people who can hold it) and skill.
    const options = (select, values) => select.replaceChildren(el("option", { value: "" }, T.all),
      ...values.map((v) => el("option", { value: v }, v)));
    const distinct = (f) => [...new Set(roster.employees.flatMap(f).filter((v) => v))].sort();
    options($("filter-team"), distinct((e) => [e.team]));
    options($("filter-crew"), distinct((e) => [e.crew]));
    options($("filter-post"), roster.posts.map((p) => p.id));
    options($("filter-skill"), distinct((e) => e.skills));
    const visible = (e) => {
      const name = $("filter-name").value.trim().toLowerCase();
      return (!name || e.name.toLowerCase().includes(name) || e.id.toLowerCase().includes(name))
        && (!$("filter-team").value || e.team === $("filter-team").value)
        && (!$("filter-crew").value || e.crew === $("filter-crew").value)
        && (!$("filter-post").value || e.posts.includes($("filter-post").value))
        && (!$("filter-skill").value || e.skills.includes($("filter-skill").value));
    };
    for (const control of ["filter-name", "filter-team", "filter-crew", "filter-post", "filter-skill"])
      $(control).addEventListener("input", () => drawGrid());

    const dayClass = (d) => {
      const weekday = dateParts(d).weekday;
      return holidays.has(d) ? "holiday" : weekday >= 5 ? "weekend" : "";
    };
    // Coverage of one post on one day, worst shift first: below minimum, below preferred, met.
    const heat = (d, post) => {
      const byShift = roster.coverage_posts[d]?.[post];
      if (!byShift) return null;
      let level = "ok";
      const parts = [];
      for (const [shift, [min, preferred, assigned]] of Object.entries(byShift)) {
        if (assigned < min) level = "short";
        else if (assigned < preferred && level !== "short") level = "under";
        parts.push(`${shift}${COLON}${assigned} (${T.min} ${min}, ${T.preferred} ${preferred})`);
      }
      return { level, title: parts.join(" · ") };
    };
    const counterCells = (e) => {
      const c = roster.counters[e.id] || { hours: 0, target: 0, nights: 0, sundays: 0 };
      const off = Math.abs(c.hours - c.target) > (c.tolerance || 0) + 0.01;
      return [el("td", { className: "count hours sticky-2" + (off ? " off-target" : ""), title: `${T.hours}${COLON}${formatNumber(c.hours, 1)} / ${T.target} ${formatNumber(c.target, 1)}` },
                 `${formatNumber(c.hours, 0)}/${formatNumber(c.target, 0)}`),
              el("td", { className: "count sticky-3", title: T.nights }, c.nights),
              el("td", { className: "count sticky-4", title: T.sundays }, c.sundays)];
    };
    const cellFor = (e, d, flagged) => {
      const shift = roster.cells[e.id]?.[d] || "";
      const post = roster.posts_of_cells[e.id]?.[d] || "";
      const key = `${e.id}|${d}`;
      const refused = shift ? unhonoured.get(key) : undefined;
      // A deviation from the cycle is marked; a relief-pool shift is one by definition (the badge says so).
      const deviation = roster.deviations?.[e.id]?.[d];
      const marked = deviation && deviation.kind !== "pool";
      const td = el("td", { className: ["cell", dayClass(d), flagged.has(key) ? "flagged" : "", caused.has(key) ? "caused" : "", refused ? "unhonoured" : "", marked ? "deviation" : ""].filter(Boolean).join(" "),
                            title: (shift ? `${e.name} · ${formatDate(d)} · ${shift} · ${post}` : `${e.name} · ${formatDate(d)} · ${T.off_cell}`)
                              + (deviation ? ` · ${T.deviation}${COLON}${word("deviation", deviation.kind)} (${T.cycle_shift}${COLON}${deviation.planned || T.off})` : "")
                              + (refused ? ` · ${T.accepted_not_honoured}${refused.rules?.length ? COLON + refused.rules.join(", ") : ""}` : "") },
        el("span", { className: "shift" }, shift), el("small", { className: "post" }, shift ? post : ""));
      td.dataset.employee = e.id; td.dataset.date = d;
      if (shift && colors[shift]) paint(td, colors[shift]);
      return td;
    };
    const drawGrid = () => {
      const flagged = new Set(roster.violations.flatMap((v) => v.dates.map((d) => `${v.employee}|${d}`)));
      const dateRow = el("tr", { className: "dates" }, el("th", { className: "name sticky-1" }, T.name),
        el("th", { className: "count sticky-2", title: `${T.hours} / ${T.target}` }, T.hours_short),
        el("th", { className: "count sticky-3", title: T.nights }, T.nights.slice(0, 1)),
        el("th", { className: "count sticky-4", title: T.sundays }, T.sundays.slice(0, 1)),
        ...roster.days.map((d) => el("th", { className: dayClass(d), title: (holidays.has(d) ? T.holiday + " · " : "") + formatDate(d, "medium") },
          el("span", {}, L.days_abbr[dateParts(d).weekday]), el("br"), el("span", {}, String(dateParts(d).day)))));
      const heatRows = roster.posts.filter((p) => roster.days.some((d) => roster.coverage_posts[d]?.[p.id])).map((p) =>
        el("tr", { className: "heat" }, el("th", { className: "name sticky-1", title: `${T.coverage}${COLON}${p.name}` }, p.name),
          el("th", { className: "sticky-2" }), el("th", { className: "sticky-3" }), el("th", { className: "sticky-4" }),
          ...roster.days.map((d) => {
            const h = heat(d, p.id);
            return el("th", { className: h ? `heat-${h.level}` : "", title: h ? `${p.name} · ${formatDate(d)} · ${h.title}` : "" });
          })));
      const head = el("thead", {}, dateRow, ...heatRows);
      const body = el("tbody", {}, ...roster.employees.filter(visible).map((e) => el("tr", {},
        el("td", { className: "name sticky-1", title: [e.id, e.team, e.crew && `${T.crew}${COLON}${crewName(e.crew)}`].filter(Boolean).join(" · ") },
          e.crew && roster.crews?.[e.crew] ? el("small", { className: "crew-badge", title: `${T.crew}${COLON}${crewName(e.crew)}` }, e.crew) : "", e.name),
        ...counterCells(e), ...roster.days.map((d) => cellFor(e, d, flagged)))));
      $("grid").replaceChildren(head, body);
      $("roster-title").textContent = roster.name;
      $("roster-version").textContent = roster.version;
      $("violation-count").textContent = roster.violations.length;
      $("violations").replaceChildren(...roster.violations.map((v) => violationItem(v)));
      drawCycle();
    };
    // With a rotation: how far the roster follows the published cycle, and the deviations by kind.
    const crewName = (crew) => roster.crews?.[crew] || crew;
    const drawCycle = () => {
      const hasCycle = Object.keys(roster.crews || {}).length > 0;
      $("cycle-line").hidden = $("cycle-legend").hidden = !hasCycle;
      if (!hasCycle) return;
      const byKind = {};
      for (const days of Object.values(roster.deviations || {}))
        for (const deviation of Object.values(days)) byKind[deviation.kind] = (byKind[deviation.kind] || 0) + 1;
      const total = Object.values(byKind).reduce((a, b) => a + b, 0);
      const share = formatNumber(100 * (roster.cycle_share ?? 1), 1);
      $("cycle-line").textContent = `${T.cycle}${COLON}${share} % ${T.cycle_following} · ${plural("n_deviations", total)}`
        + (total ? " (" + Object.entries(byKind).map(([k, n]) => `${word("deviation", k)}${COLON}${n}`).join(", ") + ")" : "");
    };

    // The editor: shift and post, shown over the grid (nothing moves).
    let editing = null;
    const openEditor = (td) => {
      const employee = roster.employees.find((e) => e.id === td.dataset.employee);
      const date = td.dataset.date;
      editing = { employee, date };
      $("editor-title").textContent = `${employee.name} · ${formatDate(date, "medium")}`;
      $("editor-shift").replaceChildren(...roster.shifts.map((s) => el("option", { value: s.id }, `${s.id} ${s.name || ""} ${s.start}–${s.end}`)));
      $("editor-shift").value = roster.cells[employee.id]?.[date] || roster.shifts[0].id;
      const eligible = employee.posts.length ? employee.posts : roster.posts.map((p) => p.id);
      $("editor-post").replaceChildren(...eligible.map((p) => el("option", { value: p }, p)));
      const current = roster.posts_of_cells[employee.id]?.[date];
      if (current) $("editor-post").value = current;
      const box = $("editor"), rect = td.getBoundingClientRect();
      box.hidden = false;
      box.style.left = `${Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8)}px`;
      box.style.top = `${window.scrollY + rect.bottom + 4}px`;
      $("editor-shift").focus();
    };
    const closeEditor = () => { $("editor").hidden = true; editing = null; };
    $("grid").addEventListener("click", (event) => {
      const td = event.target.closest("td.cell");
      if (td) openEditor(td);
    });
    const applyCell = async (employee, date, shift, post, remember) => {
      const before = { shift: roster.cells[employee]?.[date] || null, post: roster.posts_of_cells[employee]?.[date] || null };
      const changed = await api("PUT", `/api/rosters/${id}/cell`, { version: roster.version, employee, date, shift, post: shift ? post : null });
      if (remember) { undoStack.push({ employee, date, ...before }); $("undo").disabled = false; }
      roster.version = changed.version;
      roster.cells[employee] = changed.cells[employee];
      roster.posts_of_cells[employee] = changed.posts_of_cells[employee];
      if (roster.deviations && changed.deviations) roster.deviations[employee] = changed.deviations[employee];
      roster.cycle_share = changed.cycle_share;
      Object.assign(roster.counters, changed.counters);
      roster.coverage = changed.coverage;
      roster.coverage_posts = changed.coverage_posts;
      roster.violations = changed.violations;
      caused = new Set(changed.caused.flatMap((v) => v.dates.map((d) => `${v.employee}|${d}`)));
      $("change").hidden = false;
      $("caused").replaceChildren(...changed.caused.map((v) => violationItem(v)));
      $("resolved").replaceChildren(...changed.resolved.map((v) => violationItem(v)));
      drawGrid();
      await history();
    };
    const submit = async (shift) => {
      if (!editing) return;
      const { employee, date } = editing;
      closeEditor();
      clearError();
      try { await applyCell(employee.id, date, shift, $("editor-post").value, true); }
      catch (error) { showError(error); }
    };
    $("editor-apply").addEventListener("click", () => submit($("editor-shift").value));
    $("editor-clear").addEventListener("click", () => submit(null));
    $("editor-close").addEventListener("click", closeEditor);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeEditor(); });
    // Copy and paste: Ctrl+C over a cell copies its shift and post, Ctrl+V over another writes them there
    // (an edit like any other: judged, in the history, undoable).
    let hovered = null, copied = null;
    $("grid").addEventListener("mouseover", (event) => { hovered = event.target.closest("td.cell"); });
    document.addEventListener("keydown", async (event) => {
      if (!(event.ctrlKey || event.metaKey) || !hovered || !$("editor").hidden) return;
      const { employee, date } = hovered.dataset;
      if (event.key === "c") {
        copied = { shift: roster.cells[employee]?.[date] || null, post: roster.posts_of_cells[employee]?.[date] || null };
        $("notice").textContent = `${T.copied}${COLON}${copied.shift ? `${copied.shift} (${copied.post})` : T.off_cell}`;
        $("notice").hidden = false;
      } else if (event.key === "v" && copied) {
        event.preventDefault();
        clearError();
        try { await applyCell(employee, date, copied.shift, copied.post, true); }
        catch (error) { showError(error); }
      }
    });
    $("undo").addEventListener("click", async () => {
      const last = undoStack.pop();
      $("undo").disabled = undoStack.length === 0;
      if (!last) return;
      clearError();
      try { await applyCell(last.employee, last.date, last.shift, last.post, false); }
      catch (error) { showError(error); }
    });

    const cellText = (cell) => cell ? `${cell.shift} (${cell.post})` : T.off_cell;
    const history = async () => {
      const entries = await api("GET", `/api/rosters/${id}/history`);
      $("history").replaceChildren(...entries.map((e) => {
        let what = "";
        if (e.action === "roster.cell") what = `${NAMES[e.after.employee] || e.after.employee} · ${formatDate(e.after.date)}${COLON}${cellText(e.before.cell)} → ${cellText(e.after.cell)}`;
        return el("li", {}, `${formatInstant(e.at)} · ${actorName(e.user)} ${word("action", e.action)} ${what}`);
      }));
    };
    // Publishing asks first: the checker's violations and what changes against the last version put before
    // the council. Confirming twice (or a double click) makes one proposal: the server answers the same one.
    let preview = null;
    $("publish").addEventListener("click", async () => {
      try {
        clearError();
        preview = await api("GET", `/api/rosters/${id}/publish/preview`);
        $("confirm-violations").replaceChildren(...preview.violations.map((v) => el("li", {}, describe(v))));
        $("confirm-no-violations").hidden = preview.violations.length > 0;
        const d = preview.diff;
        $("confirm-against").textContent = preview.against
          ? `${T.against} #${preview.against.id} (${statusWord(preview.against.status)}, ${formatInstant(preview.against.published_at)})`
          : T.first_publication;
        $("confirm-diff-counts").textContent = `${T.diff_added}${COLON}${d.added} · ${T.diff_removed}${COLON}${d.removed} · ${T.diff_changed}${COLON}${d.changed} · ${T.people}${COLON}${d.people}`;
        const shift = (c) => c ? `${c.shift} (${c.post})` : T.off;
        fillTable($("confirm-diff"), [T.name, T.date, T.before, T.after], d.cells.slice(0, 100).map((c) =>
          [c.name, formatDate(c.date), shift(c.before), shift(c.after)]));
        $("confirm-consent").textContent = preview.consent_required ? T.consent_required : T.consent_not_required;
        $("publish-confirm").hidden = false;
      } catch (error) { showError(error); }
    });
    $("confirm-cancel").addEventListener("click", () => { $("publish-confirm").hidden = true; });
    $("confirm-publish").addEventListener("click", async () => {
      const confirmButton = $("confirm-publish");
      confirmButton.disabled = true;
      try {
        const publication = await api("POST", `/api/rosters/${id}/publish`,
          { version: preview.version, accept_violations: preview.violations.length > 0 });
        $("publish-confirm").hidden = true;
        $("notice").textContent = `${T.published}${COLON}#${publication.id} (${T.version} ${publication.roster_version}, ${statusWord(publication.status)})`;
        $("notice").hidden = false;
      } catch (error) { showError(error); }
      finally { confirmButton.disabled = false; }
    });
    drawGrid();
    await history();
  },

  // Plant set-up: every section of the scenario as an editable table, saved as a whole through the API,
  // which checks it with the rest of the plant and names the row and field of any error.
  async setup() {
    await whoAmI();
    const id = document.body.dataset.scenarioId;
    const C = (key, label, type, extra) => ({ key, label, type: type || "text", ...(extra || {}) });
    const COLUMNS = {
      site: [C("name", T.name), C("jurisdiction", T["col.jurisdiction"], "select", { options: ["FR", "DE"] }),
             C("timezone", T["col.timezone"]), C("region", T["col.region"])],
      horizon: [C("start", T.start, "date"), C("days", T.days, "number")],
      shifts: [C("id", T["col.id"]), C("name", T.name), C("start", T.start, "time"), C("end", T.end, "time"),
               C("break_minutes", T["col.break_minutes"], "number"), C("color", T["col.color"], "color")],
      skills: [C("id", T["col.id"]), C("name", T.name)],
      posts: [C("id", T["col.id"]), C("name", T.name), C("skills", T.skills, "list")],
      // Days in the reader's words ("semaine", "sam, dim"); the server reads them and stores the format's codes.
      demand: [C("post", T.post), C("shifts", T["col.shifts"], "list"), C("min", T.min, "number"),
               C("preferred", T.preferred, "number"), C("max", T["col.max"], "number"), C("days", T["col.days"], "days")],
      safety_minimums: [C("id", T["col.id"]), C("skill", T["col.skill"]), C("min", T.min, "number"),
                        C("shifts", T["col.shifts"], "list"), C("reference", T["col.reference"])],
      employees: [C("id", T["col.id"]), C("name", T.name), C("skills", T.skills, "list"), C("team", T.team),
                  C("contract.weekly_hours", T["col.weekly_hours"], "number"),
                  C("contract.tolerance_hours", T["col.tolerance_hours"], "number"),
                  C("contract.max_consecutive_days", T["col.max_consecutive_days"], "number"),
                  C("contract.min_consecutive_days_off", T["col.min_consecutive_days_off"], "number"),
                  C("contract.max_weekends", T["col.max_weekends"], "number"),
                  C("contract.max_shifts", T["col.max_shifts"], "params"),
                  // The hard bounds over the horizon are stored in minutes, typed in hours.
                  C("contract.min_minutes", T["col.min_hours"], "hours"), C("contract.max_minutes", T["col.max_hours"], "hours"),
                  C("contract.hours_target", T["col.hours_target"], "bool"),
                  C("night_eligible", T["col.night_eligible"], "bool"), C("crew", T.crew)],
      // Everyone's absences in one table; each row names its person (stored with that person).
      absences: [C("employee", T.person, "person"),
                 C("start", T.start, "date"), C("end", T.end, "date"),
                 C("kind", T.absence_kind, "select", { options: () => ["holiday", "sickness", "training", "other"].map((k) => [k, T["absence." + k]]) })],
      // Everyone's requests (the wishes the solver weighs) in one table, stored with each person like absences.
      requests: [C("employee", T.person, "person"),
                 C("kind", T["col.request_kind"], "select", { options: () => ["day_off", "day_on", "shift_on", "shift_off"].map((k) => [k, T["request." + k]]) }),
                 C("date", T.date, "date"),
                 C("shift", T.shift, "select", { options: () => [["", "–"], ...(state.shifts || []).map((s) => [s.id, s.name ? `${s.id} (${s.name})` : s.id])] }),
                 C("weight", T["col.weight"], "number")],
      households: [C("id", T["col.id"]), C("members", T["col.members"], "list"), C("declaration.declared_by", T["col.declared_by"]),
                   C("shared_days_off.weight", T["col.shared_days_off"], "number"),
                   C("childcare.windows", T["col.childcare_windows"], "windows"),
                   C("childcare.mode", T["col.childcare_mode"], "select", { options: () => [["", "–"], ...["hard", "soft"].map((m) => [m, T["mode." + m]])] }),
                   C("childcare.commute_minutes", T["col.commute_minutes"], "number")],
      // Childcare's outside caregivers (a crèche, a grandparent): a label and the times each covers, per household.
      households_caregivers: [C("household", T["col.household"], "select", { options: () => (state.households || []).map((h) => h.id) }),
                              C("label", T["col.caregiver"]), C("available", T["col.caregiver_available"], "windows")],
      rules: [C("id", T.rule), C("mode", T["col.mode"], "select", { options: () => [["", "–"], ...["hard", "soft", "off"].map((m) => [m, T["mode." + m]])] }),
              C("weight", T["col.weight"], "number"), C("params", T["col.params"], "params")],
      rotation: [C("anchor", T["col.anchor"], "date"), C("relief_pool.id", T["col.relief_pool"]), C("relief_pool.name", T["col.relief_pool_name"]),
                 C("posts", T["col.rotation_posts"], "list", { emptyIsUnset: true })],
      rotation_crews: [C("id", T["col.id"]), C("name", T.name), C("start_week", T["col.start_week"], "number")],
      rotation_cycle: [C("days", T["col.week"], "list")],
    };
    // A field as the API names it ("requests[0].shift", "rotation.crews[1].start_week", "rules.settings.ID.params")
    // in the reader's words: the table, its row, the column ("Souhaits, ligne 1, Poste"); what the page has no column
    // for is left as the API names it.
    const bare = (label) => label.replace(/\s*\(.*\)\s*$/, "");  // "Souhaits (pesés par le solveur)": Souhaits
    const sectionWord = (section) => bare(T[`section.${section}`] || section);
    const rowWord = (n) => T["setup.row"].replace("{n}", String(n + 1));
    fieldWords = (field) => {
      let match = field.match(/^(\w+)(?:\[(\d+)\])?(?:\.(.*))?$/);
      if (!match || !COLUMNS[match[1]]) return field;
      let [, section, row, rest] = match;
      const parts = [sectionWord(section)];
      if (section === "rules" && rest) {
        const rule = rest.match(/^settings\.(.+?)(?:\.(mode|weight|params))?$/);
        if (rule) return [...parts, rule[1], ...(rule[2] ? [bare(COLUMNS.rules.find((c) => c.key === rule[2]).label)] : [])].join(", ");
      }
      if (section === "rotation" && rest) {
        const inner = rest.match(/^(crews|cycle)\[(\d+)\](?:\.(.*))?$/);
        if (inner) {
          [section, row, rest] = [`rotation_${inner[1]}`, inner[2], inner[3]];
          parts.push(bare(T[`col.${inner[1]}`]));
        }
      }
      if (section === "households" && rest) {
        const inner = rest.match(/^childcare\.caregivers\[(\d+)\](?:\.(.*))?$/);
        if (inner) {
          parts.push(rowWord(Number(row)), bare(T["col.caregivers"]));
          [section, row, rest] = ["households_caregivers", inner[1], inner[2]];
        }
      }
      if (row !== undefined) parts.push(rowWord(Number(row)));
      if (rest) {
        const path = rest.replace(/\[\d+\]/g, "");
        const column = COLUMNS[section].filter((c) => path === c.key || path.startsWith(c.key + "."))
          .sort((a, b) => b.key.length - a.key.length)[0];
        parts.push(column ? bare(column.label) : rest);
      }
      return parts.join(", ");
    };
    // Sections kept in the page in another shape than the scenario's: how they are read and written back.
    const SHAPES = {
      // A household without childcare windows, mode, commute or caregivers has no childcare. Its caregivers are
      // edited in their own table and saved with the households, all at once.
      households: {
        read: (data) => (data.households || []).map((h) => {
          if (!h.childcare) return h;
          const { caregivers, ...childcare } = h.childcare;
          return { ...h, childcare };
        }),
        write: () => {
          const ids = new Set(state.households.map((h) => h.id));
          state.households_caregivers.forEach((c, n) => {
            if (!ids.has(c.household)) throw new Error(`caregivers[${n}].household: ${T.caregiver_no_household} (${c.household ?? ""})`);
          });
          return state.households.map((row) => {
            const { childcare, ...rest } = row;
            const caregivers = state.households_caregivers.filter((c) => c.household === row.id)
              .map(({ household, ...caregiver }) => caregiver);
            const fields = childcare || {};
            const empty = Object.values(fields).every((v) => v === undefined || v === "" || (Array.isArray(v) && !v.length));
            if (empty && !caregivers.length) return rest;
            return { ...rest, childcare: { ...fields, ...(caregivers.length ? { caregivers } : {}) } };
          });
        },
      },
      households_caregivers: { read: (data) => (data.households || []).flatMap((h) =>
        (h.childcare?.caregivers || []).map((c) => ({ household: h.id, ...c }))) },
      absences: { read: (data) => (data.employees || []).flatMap((e) => (e.absences || []).map((a) => ({ employee: e.id, ...a }))) },
      requests: { read: (data) => (data.employees || []).flatMap((e) => (e.requests || []).map((r) => ({ employee: e.id, ...r }))) },
      rules: { read: (data) => Object.entries(data.rules?.settings || {}).map(([rule, s]) => ({ id: rule, ...s })),
               write: () => ({ ...(scenario.data.rules?.packs ? { packs: scenario.data.rules.packs } : {}),
                               settings: Object.fromEntries(state.rules.map(({ id: rule, ...s }) => [rule, s])) }) },
      rotation: { read: (data) => { const { crews, cycle, ...rest } = data.rotation || {}; return rest; },
                  write: () => {
                    if (!state.rotation_crews.length && !state.rotation_cycle.length) return {};
                    const rotation = { ...state.rotation, crews: state.rotation_crews, cycle: state.rotation_cycle.map((w) => w.days || []) };
                    if (!rotation.relief_pool?.id) delete rotation.relief_pool;
                    return rotation;
                  } },
      rotation_crews: { read: (data) => data.rotation?.crews || [] },
      rotation_cycle: { read: (data) => (data.rotation?.cycle || []).map((days) => ({ days })) },
    };
    const BLANK = { shifts: { id: "", start: "06:00", end: "14:00", break_minutes: 30 }, skills: { id: "" }, posts: { id: "", skills: [] },
      demand: { post: "", shifts: [], min: 1 }, safety_minimums: { id: "", skill: "", min: 1 }, employees: { id: "", skills: [], contract: { weekly_hours: 35 } },
      absences: { employee: "", start: "", end: "", kind: "holiday" }, requests: { employee: "", kind: "day_off", date: "", weight: 1 },
      households: { id: "", members: [], declaration: { declared_by: "" } },
      households_caregivers: { household: "", label: "", available: [] },
      rules: { id: "" }, rotation_crews: { id: "", start_week: 1 }, rotation_cycle: { days: ["-", "-", "-", "-", "-", "-", "-"] } };
    const get = (row, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), row);
    const set = (row, path, value) => {
      const keys = path.split("."); let o = row;
      for (const k of keys.slice(0, -1)) o = o[k] ??= {};
      if (value === undefined) delete o[keys.at(-1)]; else o[keys.at(-1)] = value;
    };
    // Childcare windows as text, "weekdays 07:30-08:30; sat 09:00-12:00" (days: a selector or a list mon,tue),
    // the days in the reader's language ("semaine 07:30-08:30", "mo,di 09:00-12:00"); the scenario's own words
    // are read in every language. What does not parse is sent as typed, for the server to name the field.
    const DAY_CODES = ["all", "weekdays", "weekends", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const dayWord = (code) => T[`day_word.${code}`] || code;
    const dayCode = (word) => DAY_CODES.find((code) => code === word.toLowerCase()
      || dayWord(code).toLowerCase() === word.toLowerCase()) ?? word;
    const windowsText = (windows) => (windows || []).map((w) =>
      `${Array.isArray(w.days) ? w.days.map(dayWord).join(",") : dayWord(w.days ?? "all")} ${String(w.start ?? "").slice(0, 5)}-${String(w.end ?? "").slice(0, 5)}`).join("; ");
    const parseWindows = (text) => text.split(";").map((part) => part.trim()).filter(Boolean).map((part) => {
      const match = part.match(/^(\S+)\s+(\S+?)-(\S+)$/);
      if (!match) return { start: part };
      const days = match[1].includes(",") ? match[1].split(",").filter(Boolean).map(dayCode) : dayCode(match[1]);
      return { days, start: match[2], end: match[3] };
    });
    // A rule's parameters as "name=value name=value"; a value is read as JSON when it is JSON (9, true, [[6,20]]).
    const paramsText = (params) => Object.entries(params || {}).map(([name, value]) =>
      `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`).join(" ");
    const parseParams = (text) => Object.fromEntries(text.split(/\s+/).filter(Boolean).map((token) => {
      const at = token.indexOf("=");
      const name = at < 0 ? token : token.slice(0, at), raw = at < 0 ? "" : token.slice(at + 1);
      try { return [name, JSON.parse(raw)]; } catch { return [name, raw]; }
    }));
    let scenario = null;
    const state = {};
    // A table's selects are cloned from one built per column and drawing (a KOS table of requests has 184 rows of
    // a 289-person select: built option by option, that alone made the page seconds slower).
    // A person is typed or picked from one list the page shares ("e03 · Marie Dupont"; a name alone will do): a
    // select of 289 people in each of KOS's 184 requests and its absences made the page too heavy to use.
    const personText = (id) => {
      const person = (state.employees || []).find((e) => e.id === id);
      return person?.name ? `${id} · ${person.name}` : id;
    };
    const personId = (text) => {
      const [id] = text.split(" · ");
      const people = state.employees || [];
      if (people.some((e) => e.id === id)) return id;
      const named = people.filter((e) => e.name === text);
      return named.length === 1 ? named[0].id : text;
    };
    const drawPeopleChoices = () => {
      let list = $("people-choices");
      if (!list) {
        list = el("datalist", { id: "people-choices" });
        document.body.append(list);
      }
      list.replaceChildren(...(state.employees || []).map((e) => el("option", { value: personText(e.id) })));
    };
    const cellInput = (row, column, selects) => {
      const value = get(row, column.key);
      let input;
      if (column.type === "person") {
        input = el("input", { type: "text", className: "wide", value: value == null ? "" : personText(value) });
        input.setAttribute("list", "people-choices");
      } else if (column.type === "select") {
        let built = selects?.get(column.key);
        if (!built) {
          const options = (typeof column.options === "function" ? column.options() : column.options).map((o) => Array.isArray(o) ? o : [o, o]);
          built = { options, select: el("select", {}, ...options.map(([v, label]) => el("option", { value: v }, label))) };
          selects?.set(column.key, built);
        }
        input = built.select.cloneNode(true);
        if (value != null && !built.options.some(([v]) => v === value)) input.prepend(el("option", { value }, value));
        if (value != null) input.value = value;
        else if (built.options.some(([v]) => v === "")) input.value = "";
      } else if (column.type === "bool") {
        input = el("input", { type: "checkbox", checked: value !== false });
      } else if (column.type === "hours") {
        input = el("input", { type: "number", step: "any", min: "0", value: value == null ? "" : Math.round(value / 6) / 10 });
      } else if (column.type === "days") {
        input = el("input", { type: "text", value: value == null ? "" : (Array.isArray(value) ? value : [value]).map(dayWord).join(", ") });
      } else if (column.type === "windows" || column.type === "params") {
        input = el("input", { type: "text", className: "wide", value: column.type === "windows" ? windowsText(value) : paramsText(value) });
      } else {
        input = el("input", { type: column.type === "list" || column.type === "color" || column.type === "time" ? "text" : column.type,
                              value: value == null ? "" : column.type === "list" ? value.join(" ") : column.type === "time" ? String(value).slice(0, 5) : value });
        // Times as 24-hour HH:MM text in every language: a native time field follows the browser's own (AM/PM).
        if (column.type === "time") Object.assign(input, { pattern: "([01][0-9]|2[0-3]):[0-5][0-9]", placeholder: "HH:MM", inputMode: "numeric", maxLength: 5 });
        if (column.type === "number") input.step = "any";
      }
      input.dataset.key = column.key;
      const update = () => {
        let v = column.type === "bool" ? input.checked : input.value.trim();
        if (column.type === "number") v = v === "" ? undefined : Number(v);
        else if (column.type === "hours") v = v === "" ? undefined : Math.round(Number(v) * 60);
        else if (column.type === "windows") v = v ? parseWindows(v) : undefined;
        else if (column.type === "params") v = v ? parseParams(v) : undefined;
        else if (column.type === "person") v = v ? personId(v) : undefined;
        else if (column.type === "list") v = v ? v.split(/[\s,]+/).filter(Boolean) : (column.emptyIsUnset || (column.key === "shifts" && !get(row, column.key)) ? undefined : []);
        else if (v === "" && column.key !== "id") v = undefined;
        set(row, column.key, v);
      };
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      return el("td", {}, input);
    };
    const draw = (section) => {
      // The caregivers' table chooses among the households: redrawn with them.
      if (section === "households" && state.households_caregivers) draw("households_caregivers");
      const rows = state[section];
      const columns = COLUMNS[section];
      const single = !Array.isArray(rows);
      const list = single ? [rows] : rows;
      const selects = new Map();
      if (columns.some((c) => c.type === "person")) drawPeopleChoices();
      $(`table-${section}`).replaceChildren(el("tr", {}, ...columns.map((c) => el("th", {}, c.label)), el("th", {}, "")),
        ...list.map((row, index) => {
          const tr = el("tr", {}, ...columns.map((c) => cellInput(row, c, selects)),
            el("td", {}, single ? "" : button(T.remove_row, async () => { rows.splice(index, 1); draw(section); })));
          tr.dataset.row = index;
          return tr;
        }));
    };
    const load = async () => {
      scenario = await api("GET", `/api/scenarios/${id}`);
      $("setup-name").textContent = scenario.name;
      for (const section of Object.keys(COLUMNS)) {
        state[section] = structuredClone(SHAPES[section]?.read ? SHAPES[section].read(scenario.data)
          : scenario.data[section] ?? (section === "site" || section === "horizon" ? {} : []));
      }
      for (const section of Object.keys(COLUMNS)) {
        // A select starts on its first option: the row holds what is shown.
        for (const row of Array.isArray(state[section]) ? state[section] : [state[section]])
          for (const column of COLUMNS[section])
            if (column.type === "select" && get(row, column.key) === undefined && section !== "rules"
                && !column.key.startsWith("childcare.")) {
              const first = (typeof column.options === "function" ? column.options() : column.options)[0];
              const value = Array.isArray(first) ? first[0] : first;
              if (value !== undefined && value !== "") set(row, column.key, value);
            }
        draw(section);
      }
    };
    for (const b of document.querySelectorAll(".add-row"))
      b.addEventListener("click", () => {
        const row = structuredClone(BLANK[b.dataset.section]);
        if (b.dataset.section === "absences" || b.dataset.section === "requests") row.employee = state.employees[0]?.id ?? "";
        if (b.dataset.section === "households_caregivers") row.household = state.households[0]?.id ?? "";
        state[b.dataset.section].push(row);
        draw(b.dataset.section);
      });
    for (const b of document.querySelectorAll(".save-section"))
      b.addEventListener("click", async () => {
        clearError();
        $("setup-saved").hidden = true;
        try {
          const section = b.dataset.section;
          const items = SHAPES[section]?.write ? SHAPES[section].write() : state[section];
          await api("PUT", `/api/scenarios/${id}/${section}`, { version: scenario.version, items });
          await load();
          $("setup-saved").hidden = false;
        } catch (error) {
          showError(error);
          $("error").scrollIntoView({ block: "nearest" });  // the save button may be far down the page
        }
      });
    await load();
  },

  async employee() {
    await whoAmI();
    const refresh = async () => {
      const schedule = await api("GET", "/api/me/schedule");
      $("schedule-status").textContent = schedule.publication
        ? `${T.version} #${schedule.publication.id} · ${statusWord(schedule.publication.status)} · ${T.published_at} ${formatInstant(schedule.publication.published_at)}`
        : T.no_publication;
      fillTable($("schedule"), [T.date, T.shift, T.start, T.end, T.post], schedule.shifts.map((s) => [
        `${L.days_abbr[dateParts(s.date).weekday]} ${formatDate(s.date)}`, s.shift, s.start, s.end, s.post]));
      const team = await api("GET", "/api/me/team");
      $("team").replaceChildren(el("tr", {}, el("th", { className: "name" }, T.name), ...team.days.map((d) => el("th", {}, L.days_abbr[dateParts(d).weekday], el("br"), String(dateParts(d).day)))),
        ...team.people.map((p) => el("tr", { className: p.me ? "me" : "" }, el("td", { className: "name" }, p.name),
          ...team.days.map((d) => el("td", {}, p.shifts[d] || "")))));
      const colleagues = await api("GET", "/api/me/colleagues");
      $("request-swap").replaceChildren(el("option", { value: "" }, T.choose), ...colleagues.map((c) => el("option", { value: c.id }, c.name)));
      const requests = await api("GET", "/api/me/requests");
      fillTable($("requests"), ["#", T.kind, T.date, T.swap_with, T.note, T.status, T.result, ""], requests.map((r) => [r.id, word("kind", r.kind), formatDate(r.date, "medium"),
        r.swap_with_name || "", r.note, statusWord(r.status), outcomeCell(r),
        r.status === "open" ? button(T.withdraw, async () => { await api("POST", `/api/me/requests/${r.id}/withdraw`); await refresh(); }) : ""]));
      const declared = await api("GET", "/api/me/declarations");
      $("purpose").replaceChildren(...Object.keys(declared.purposes).map((p) => el("option", { value: p }, T["purpose." + p] || p)));
      fillTable($("declarations"), [T.declarations, T.date, T.status, ""], declared.declarations.map((d) => [T["purpose." + d.purpose] || d.purpose, formatDate(d.declared_at),
        d.active ? T.active : "–", d.active ? button(T.withdraw, async () => { await api("POST", `/api/me/declarations/${d.id}/withdraw`); await refresh(); }) : ""]));
    };
    const swapChosen = () => { $("swap-label").hidden = $("request-kind").value !== "swap"; };
    $("request-kind").addEventListener("change", swapChosen);
    swapChosen();
    $("request-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const kind = $("request-kind").value;
      try {
        await api("POST", "/api/me/requests", { kind, date: $("request-date").value, note: $("request-note").value,
          swap_with: kind === "swap" ? $("request-swap").value || null : null });
        clearError(); await refresh();
      } catch (error) { showError(error); }
    });
    $("declare-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try { await api("POST", "/api/me/declarations", { purpose: $("purpose").value }); clearError(); await refresh(); }
      catch (error) { showError(error); }
    });
    $("feed-new").addEventListener("click", () => api("POST", "/api/me/feed").then((f) => { $("feed-url").textContent = f.url; }).catch(showError));
    $("feed-revoke").addEventListener("click", () => api("DELETE", "/api/me/feed").then(() => { $("feed-url").textContent = ""; }).catch(showError));
    passwordForm();
    await refresh();
  },

  async council() {
    const me = await whoAmI();
    const refresh = async () => {
      const publications = await api("GET", "/api/publications");
      fillTable($("publications"), ["#", T.rosters, T.version, T.status, T.published_at, T.decisions, ""], publications.map((p) => {
        const comment = el("input", { placeholder: T.comment });
        comment.dataset.publication = p.id;
        const decide = (decision) => async () => {
          await api("POST", `/api/publications/${p.id}/decision`, { decision, comment: comment.value });
          $("notice-council").hidden = false;
          await refresh();
        };
        const actions = p.status === "proposed" && me.role === "council"
          ? el("span", {}, comment, button(T.approve, decide("approve")), button(T.reject, decide("reject"))) : "";
        return [p.id, p.roster_id, p.roster_version, statusWord(p.status), formatInstant(p.published_at),
          p.decisions.map((d) => `${d.by}${COLON}${T[d.decision] || d.decision} ${d.comment} (${formatInstant(d.at)})`).join("; "),
          el("span", {}, button(T.report, () => showReport(p.id)), actions)];
      }));
    };
    // The council's report as a page: law, fairness (with a histogram per measure) and people in aggregate.
    const showReport = async (id) => {
      const r = await api("GET", `/api/publications/${id}/report`);
      STATEMENTS = r.statements;
      $("report-title").textContent = `${T.report_for} #${id} · ${r.site.name} · ${formatDate(r.horizon.start)} – ${formatDate(r.horizon.end)} · ${statusWord(r.status)}`;
      const card = (label, value) => el("div", { className: "card" }, label, el("strong", {}, value));
      $("report-cards").replaceChildren(card(T.employees_count, formatNumber(r.people.employees)),
        card(T.violations_total, formatNumber(r.law.violations)),
        card(T.coverage_complete, r.summary.coverage_complete ? T.yes : T.no),
        card(T.shortfall, formatNumber(r.summary.shortfall_person_shifts)));
      const rules = Object.entries(r.law.violations_by_rule);
      fillTable($("report-law"), [T.rule, T.count], rules.length ? rules.map(([rule, count]) =>
        [STATEMENTS[rule]?.[L.lang] || rule, formatNumber(count)]) : [[T.no_violations, ""]]);
      fillTable($("report-fairness"), [T.measure, T.minimum, T.median, T.mean, T.maximum, T.distribution],
        Object.entries(r.fairness).map(([measure, f]) => {
          const top = Math.max(...f.histogram.counts, 1);
          const bars = el("span", { className: "bars", title: T.share_people },
            ...f.histogram.counts.map((c, i) => {
              const bar = el("span", { title: `${formatNumber(f.histogram.low + i * f.histogram.width, 1)} – ${formatNumber(f.histogram.low + (i + 1) * f.histogram.width, 1)}${COLON}${c}` });
              bar.style.height = `${Math.round((c / top) * 58) + 2}px`;
              return bar;
            }));
          return [word("measure", measure), formatNumber(f.min, 1), formatNumber(f.median, 1), formatNumber(f.mean, 1), formatNumber(f.max, 1), bars];
        }));
      // The rotation's month: the share of the cycle worked as published, the deviations by kind.
      $("report-cycle-section").hidden = !r.cycle;
      if (r.cycle) fillTable($("report-cycle"), [T.measure, T.count], [
        [T.cycle_following, `${formatNumber(100 * r.cycle.share_following, 1)} %`], [T.deviations, formatNumber(r.cycle.deviations)],
        ...Object.entries(r.cycle.by_kind).map(([kind, n]) => [`${T.deviations}${COLON}${word("deviation", kind)}`, formatNumber(n)])]);
      fillTable($("report-people"), [T.people_aggregate, T.count], [[T.employees_count, formatNumber(r.people.employees)],
        ...Object.entries(r.people.active_declarations_by_purpose).map(([purpose, count]) => [`${T.declarations_count}${COLON}${T["purpose." + purpose] || purpose}`, formatNumber(count)])]);
      $("report").hidden = false;
    };
    passwordForm();
    await refresh();
  },

  async admin() {
    const me = await whoAmI();
    let before = null;
    const describeEntry = (e) => {
      const target = e.entity === "user" && e.after && e.after.username ? e.after.username : `${word("entity", e.entity)} ${e.entity_id}`;
      return `${word("action", e.action)} · ${target}`;
    };

    const refresh = async () => {
      const users = await api("GET", "/api/users");
      fillTable($("users"), ["#", T.username, T.role, T.employee_id, T.active, ""], users.map((u) => {
        const roleSelect = el("select", {}, ...["planner", "employee", "council", "admin"].map((r) => el("option", { value: r, selected: r === u.role }, word("role", r))));
        const newPassword = el("input", { type: "password", placeholder: T.new_password, autocomplete: "new-password" });
        return [u.id, u.username, el("span", {}, roleSelect, button(T.change_role, async () => {
            await api("PATCH", `/api/users/${u.id}`, { role: roleSelect.value }); await refresh(); })),
          u.employee_id || "", u.active ? T.yes : T.no,
          el("span", {}, u.id === me.id ? "" : button(u.active ? T.lock : T.unlock, async () => { await api("PATCH", `/api/users/${u.id}`, { active: !u.active }); await refresh(); }),
            newPassword, button(T.reset_password, async () => { await api("PATCH", `/api/users/${u.id}`, { password: newPassword.value }); newPassword.value = ""; await refresh(); }))];
      }));
      before = null;
      $("audit").replaceChildren();
      await more();
    };
    const more = async () => {
      const page = await api("GET", `/api/audit?limit=50${before ? `&before_id=${before}` : ""}`);
      const rows = page.entries.map((e) => el("tr", {}, el("td", {}, formatInstant(e.at)), el("td", {}, actorName(e.user)), el("td", {}, describeEntry(e))));
      if (!$("audit").rows.length) $("audit").append(el("tr", {}, el("th", {}, T.at), el("th", {}, T.by), el("th", {}, T.action)));
      $("audit").append(...rows);
      before = page.next_before_id;
      $("audit-older").hidden = !before;
    };
    $("audit-older").addEventListener("click", () => more().catch(showError));
    $("user-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/users", { username: $("new-username").value, password: $("new-password").value,
          role: $("new-role").value, employee_id: $("new-employee").value || null });
        clearError(); await refresh();
      } catch (error) { showError(error); }
    });
    passwordForm();
    await refresh();
  },
};

// Date pickers in the page's language (flatpickr and its French and German words), not the browser's: the
// field shows the date in the language's short pattern (Babel's CLDR), the form still reads it as ISO.
const pickerFormat = (pattern) => pattern.replace(/'[^']*'|y+|M+|d+/g, (t) => t.startsWith("'") ? t.slice(1, -1)
  : t[0] === "y" ? "Y" : t[0] === "M" ? (t.length >= 2 ? "m" : "n") : (t.length >= 2 ? "d" : "j"));
function localDatePickers(root) {
  if (!window.flatpickr) return;
  for (const input of root.querySelectorAll('input[type="date"]:not([data-picker])')) {
    input.dataset.picker = L.lang;
    // flatpickr's French and German words lack the month's and year's labels for screen readers: the catalogue's.
    const locale = { ...window.flatpickr.l10ns[L.lang in window.flatpickr.l10ns ? L.lang : "default"],
                     monthAriaLabel: T["picker.month"], yearAriaLabel: T["picker.year"] };
    window.flatpickr(input, { locale, dateFormat: "Y-m-d",
      altInput: true, altFormat: pickerFormat(L.date_short), allowInput: true,
      onChange: () => input.dispatchEvent(new Event("input", { bubbles: true })) });
  }
}
// File pickers in the page's language: the browser's own button and "no file chosen" follow the browser's language.
// The input stays (hidden, still the form's field); a button of ours opens it and the chosen file's name is shown.
function localFilePickers(root) {
  for (const input of root.querySelectorAll("input[type=file]:not(.local-file)")) {
    input.classList.add("local-file");
    const name = el("span", { className: "file-name" }, T["file.none"]);
    const choose = el("button", { type: "button" }, T["file.choose"]);
    choose.addEventListener("click", () => input.click());
    input.addEventListener("change", () => { name.textContent = input.files[0]?.name || T["file.none"]; });
    input.after(choose, " ", name);
  }
}
localFilePickers(document.body);
new MutationObserver(() => localDatePickers(document.body)).observe(document.body, { childList: true, subtree: true });
localDatePickers(document.body);

pages[document.body.dataset.page]().catch((error) => { if (error.message !== "not signed in") showError(error); });
