// roulement's pages: every read and write goes through the REST API under /api.
"use strict";

const T = JSON.parse(document.getElementById("messages").textContent);
const L = JSON.parse(document.getElementById("locale").textContent);  // Babel's CLDR patterns, the site's zone
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
const statusWord = (status) => word("status", status);

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )roulement_csrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function api(method, url, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") options.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  if (response.status === 401 && document.body.dataset.page !== "login") {
    location.href = "/login";
    throw new Error("not signed in");
  }
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error((data && data.detail) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

function showError(error) {
  const box = $("error");
  box.textContent = error.status === 409 ? T.conflict + " (" + error.message + ")" : String(error.message);
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
  return [who, when].filter(Boolean).join(" · ") + ": " + what + detail;
}

async function whoAmI() {
  const me = await api("GET", "/api/me");
  $("nav").hidden = false;
  $("who").textContent = `${me.username} (${word("role", me.role)})`;
  for (const link of document.querySelectorAll("#nav a[data-role]")) link.hidden = link.dataset.role !== me.role;
  $("logout").addEventListener("click", async () => { await api("POST", "/api/logout"); location.href = "/login"; });
  return me;
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
    const refresh = async () => {
      const scenarios = await api("GET", "/api/scenarios");
      fillTable($("scenarios"), ["#", "name", "employees", "start", "days", ""], scenarios.map((s) => [
        s.id, s.name, s.employees, s.start, s.days, button(T.solve, () => startSolve(s.id))]));
      const select = $("people-scenario");
      const chosen = select.value;
      select.replaceChildren(...scenarios.map((s) => el("option", { value: s.id }, `${s.id} ${s.name}`)));
      if (chosen) select.value = chosen;
      const rosters = await api("GET", "/api/rosters");
      fillTable($("rosters"), ["#", "name", T.version, "", ""], rosters.map((r) => [
        r.id, r.name, r.version, el("a", { href: `/roster/${r.id}` }, T.open), r.updated_at]));
      const requests = await api("GET", "/api/requests");
      fillTable($("requests"), ["#", "employee", "kind", T.date, "swap", T.note, T.status, ""], requests.map((r) => [
        r.id, r.employee_id, r.kind, r.date, r.swap_with || "", r.note, r.status,
        r.status === "open" ? el("span", {}, button(T.accept, () => decideRequest(r.id, "accepted")),
                                    button(T.refuse, () => decideRequest(r.id, "refused"))) : ""]));
      if (select.value) await showPeople(Number(select.value));
    };
    const decideRequest = async (id, status) => { await api("POST", `/api/requests/${id}/decision`, { status }); await refresh(); };
    const showPeople = async (scenarioId) => {
      const scenario = await api("GET", `/api/scenarios/${scenarioId}`);
      fillTable($("people"), ["id", "name", "skills", "team", T.absences, ""], scenario.employees.slice(0, 400).map((e) => {
        const absences = el("span", {}, ...(e.absences || []).map((a, i) => el("span", {}, `${a.start}…${a.end} (${a.kind}) `,
          button("×", async () => { await api("DELETE", `/api/scenarios/${scenarioId}/employees/${e.id}/absences/${i}?version=${scenario.version}`); await refresh(); }))));
        const start = el("input", { type: "date" }), end = el("input", { type: "date" });
        const add = button(T.add_absence, async () => {
          await api("POST", `/api/scenarios/${scenarioId}/employees/${e.id}/absences`,
            { version: scenario.version, start: start.value, end: end.value, kind: "holiday" });
          await refresh();
        });
        return [e.id, e.name || "", (e.skills || []).join(" "), e.team || "", absences, el("span", {}, start, end, add)];
      }));
    };
    const startSolve = async (scenarioId) => {
      job = await api("POST", `/api/scenarios/${scenarioId}/solve`, { time_limit: Number($("time-limit").value) });
      $("job").hidden = false;
      poll();
    };
    const poll = async () => {
      job = await api("GET", `/api/jobs/${job.id}`);
      const p = job.progress;
      $("job-status").textContent = p
        ? `${T.status}: ${job.status} · ${T.objective}: ${p.objective ?? "–"} · ${T.bound}: ${p.bound ?? "–"} · ${T.elapsed}: ${p.elapsed} s`
        : `${T.status}: ${job.status} · ${job.message}`;
      if (job.status === "running") setTimeout(() => poll().catch(showError), 1000);
      else await refresh();
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
    $("table-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("table-file").files[0];
      const scenarioId = $("people-scenario").value;
      if (!file || !scenarioId) return;
      const xlsx = file.name.toLowerCase().endsWith(".xlsx");
      const bytes = new Uint8Array(await file.arrayBuffer());
      const content = xlsx ? btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")) : new TextDecoder().decode(bytes);
      try {
        const scenario = await api("GET", `/api/scenarios/${scenarioId}`);
        await api("POST", `/api/scenarios/${scenarioId}/${$("table-kind").value}/import`,
          { version: scenario.version, format: xlsx ? "xlsx" : "csv", content, filename: file.name });
        clearError(); await refresh();
      } catch (error) { showError(error); }
    });
    $("import-example").addEventListener("click", () => api("POST", "/api/scenarios", { example: "kos" }).then(refresh).catch(showError));
    await refresh();
  },

  async roster() {
    await whoAmI();
    const id = document.body.dataset.rosterId;
    let roster = await api("GET", `/api/rosters/${id}`);
    for (const [link, file] of [["dl-csv", "roster.csv"], ["dl-xlsx", "roster.xlsx"], ["dl-html", "report.html"]])
      $(link).href = `/api/rosters/${id}/${file}`;
    const draw = () => {
      $("roster-title").textContent = roster.name;
      $("roster-version").textContent = roster.version;
      $("violation-count").textContent = roster.violations.length;
      const colors = Object.fromEntries(roster.shifts.map((s) => [s.id, s.color]));
      const flagged = new Set(roster.violations.flatMap((v) => v.dates.map((d) => `${v.employee}|${d}`)));
      const head = el("tr", {}, el("th", { className: "name" }, ""), ...roster.days.map((d) => el("th", {}, d.slice(5))));
      const rows = roster.employees.map((e) => el("tr", {}, el("td", { className: "name" }, `${e.name} (${e.id})`),
        ...roster.days.map((d) => {
          const shift = roster.cells[e.id]?.[d] || "";
          const td = el("td", { className: "cell" + (flagged.has(`${e.id}|${d}`) ? " flagged" : "") }, shift);
          td.dataset.employee = e.id; td.dataset.date = d;
          if (shift && colors[shift]) paint(td, colors[shift]);
          td.addEventListener("click", () => editCell(td, e.id, d, shift));
          return td;
        })));
      const coverage = roster.shifts.map((s) => el("tr", { className: "coverage" }, el("td", { className: "name" }, `${T.coverage} ${s.id}`),
        ...roster.days.map((d) => {
          const c = roster.coverage[d]?.[s.id];
          if (!c) return el("td", {}, "");
          return el("td", { className: c.short ? "short" : "", title: `${c.assigned}/${c.required}` }, c.short ? `-${c.short}` : c.assigned);
        })));
      $("grid").replaceChildren(head, ...coverage, ...rows);
      $("violations").replaceChildren(...roster.violations.map((v) => el("li", {}, describe(v))));
    };
    const editCell = (td, employee, date, current) => {
      const select = el("select", { className: "cell-edit" }, el("option", { value: "" }, "–"),
        ...roster.shifts.map((s) => el("option", { value: s.id, selected: s.id === current }, s.id)));
      select.value = current;
      td.replaceChildren(select);
      select.focus();
      select.addEventListener("click", (event) => event.stopPropagation());
      select.addEventListener("change", async () => {
        try {
          const changed = await api("PUT", `/api/rosters/${id}/cell`,
            { version: roster.version, employee, date, shift: select.value || null });
          roster = { ...roster, ...changed };
          clearError();
          $("change").hidden = false;
          $("caused").replaceChildren(...changed.caused.map((v) => el("li", {}, describe(v))));
          $("resolved").replaceChildren(...changed.resolved.map((v) => el("li", {}, describe(v))));
          draw();
          await history();
        } catch (error) { showError(error); draw(); }
      });
    };
    const history = async () => {
      const entries = await api("GET", `/api/rosters/${id}/history`);
      $("history").replaceChildren(...entries.map((e) => el("li", {}, `${e.at} ${e.user} ${e.action} ${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}`)));
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
        $("confirm-diff-counts").textContent = `${T.diff_added}: ${d.added} · ${T.diff_removed}: ${d.removed} · ${T.diff_changed}: ${d.changed} · ${T.people}: ${d.people}`;
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
        $("notice").textContent = `${T.published}: #${publication.id} (${T.version} ${publication.roster_version}, ${statusWord(publication.status)})`;
        $("notice").hidden = false;
      } catch (error) { showError(error); }
      finally { confirmButton.disabled = false; }
    });
    draw();
    await history();
  },

  async employee() {
    await whoAmI();
    const refresh = async () => {
      const schedule = await api("GET", "/api/me/schedule");
      $("schedule-status").textContent = schedule.publication ? `#${schedule.publication.id} (${schedule.publication.status})` : T.no_publication;
      fillTable($("schedule"), [T.date, "shift", "", "post"], schedule.shifts.map((s) => [s.date, s.shift, `${s.start}–${s.end}`, s.post]));
      const team = await api("GET", "/api/me/team");
      $("team").replaceChildren(el("tr", {}, el("th", { className: "name" }, ""), ...team.days.map((d) => el("th", {}, d.slice(5)))),
        ...team.people.map((p) => el("tr", { className: p.me ? "me" : "" }, el("td", { className: "name" }, p.name),
          ...team.days.map((d) => el("td", {}, p.shifts[d] || "")))));
      const requests = await api("GET", "/api/me/requests");
      fillTable($("requests"), ["#", "kind", T.date, "swap", T.note, T.status, ""], requests.map((r) => [r.id, r.kind, r.date, r.swap_with || "", r.note, r.status,
        r.status === "open" ? button(T.withdraw, async () => { await api("POST", `/api/me/requests/${r.id}/withdraw`); await refresh(); }) : ""]));
      const declared = await api("GET", "/api/me/declarations");
      $("purpose").replaceChildren(...Object.keys(declared.purposes).map((p) => el("option", { value: p }, T["purpose." + p] || p)));
      fillTable($("declarations"), ["purpose", "", T.status, ""], declared.declarations.map((d) => [T["purpose." + d.purpose] || d.purpose, d.declared_at.slice(0, 10),
        d.active ? T.active : "–", d.active ? button(T.withdraw, async () => { await api("POST", `/api/me/declarations/${d.id}/withdraw`); await refresh(); }) : ""]));
    };
    $("request-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const kind = $("request-kind").value;
      try {
        await api("POST", "/api/me/requests", { kind, date: $("request-date").value, note: $("request-note").value,
          swap_with: kind === "swap" ? $("request-swap").value : null });
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
    await refresh();
  },

  async council() {
    const me = await whoAmI();
    const refresh = async () => {
      const publications = await api("GET", "/api/publications");
      fillTable($("publications"), ["#", "roster", T.version, T.status, "", T.comment, ""], publications.map((p) => {
        const comment = el("input", { placeholder: T.comment });
        comment.dataset.publication = p.id;
        const actions = p.status === "proposed" && me.role === "council" ? el("span", {}, comment,
          button(T.approve, async () => { await api("POST", `/api/publications/${p.id}/decision`, { decision: "approve", comment: comment.value }); await refresh(); }),
          button(T.reject, async () => { await api("POST", `/api/publications/${p.id}/decision`, { decision: "reject", comment: comment.value }); await refresh(); })) : "";
        return [p.id, p.roster_id, p.roster_version, p.status, p.published_at.slice(0, 16),
          p.decisions.map((d) => `${d.by}: ${d.decision} ${d.comment}`).join("; "),
          el("span", {}, button(T.report, () => showReport(p.id)), actions)];
      }));
    };
    const showReport = async (id) => {
      $("report-body").textContent = JSON.stringify(await api("GET", `/api/publications/${id}/report`), null, 2);
      $("report").hidden = false;
    };
    await refresh();
  },

  async admin() {
    await whoAmI();
    const refresh = async () => {
      const users = await api("GET", "/api/users");
      fillTable($("users"), ["#", T.username, T.role, T.employee_id, T.active, ""], users.map((u) => [u.id, u.username, u.role, u.employee_id || "", u.active ? "✓" : "–",
        button(u.active ? "lock" : "unlock", async () => { await api("PATCH", `/api/users/${u.id}`, { active: !u.active }); await refresh(); })]));
      const entries = (await api("GET", "/api/audit")).entries;
      fillTable($("audit"), ["at", "user", "action", "entity"], entries.map((e) => [e.at.slice(0, 19), e.user, e.action, `${e.entity} ${e.entity_id}`]));
    };
    $("user-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/users", { username: $("new-username").value, password: $("new-password").value,
          role: $("new-role").value, employee_id: $("new-employee").value || null });
        clearError(); await refresh();
      } catch (error) { showError(error); }
    });
    await refresh();
  },
};

pages[document.body.dataset.page]().catch((error) => { if (error.message !== "not signed in") showError(error); });
