// linkclf review page. Data arrives as JSON and is only ever written with textContent:
// anchors, titles and URLs come from whoever built the links and are never parsed as HTML.
"use strict";

const state = { data: null, current: 0, visible: [] };

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else if (key === "title") node.title = value;
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function safeHref(url) {
  // Only http(s) links are clickable: a javascript: or data: URL from an export stays text.
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

async function load() {
  const response = await fetch("/api/queue", { headers: { Accept: "application/json" } });
  state.data = await response.json();
  render();
}

async function decide(level, key, decision) {
  const response = await fetch("/api/decision", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ level: level, key: key, decision: decision }),
  });
  const result = await response.json();
  const saved = document.getElementById("saved");
  if (!response.ok) {
    saved.textContent = "not saved: " + result.error;
    return;
  }
  saved.textContent = "saved to " + result.saved + ": " + result.decisions + " decisions (" +
    result.disavow + " disavow, " + result.keep + " keep)";
  for (const group of state.data.groups) {
    if (level === "domain" && group.domain === key) group.decision = decision;
    if (level === "url") for (const link of group.links) if (link.key === key) link.decision = decision;
  }
  render();
}

function visibleGroups() {
  const query = document.getElementById("filter").value.trim().toLowerCase();
  const show = document.getElementById("show").value;
  const sort = document.getElementById("sort").value;
  let groups = state.data.groups.filter((g) => {
    const decided = g.decision || g.links.some((l) => l.decision);
    if (show === "undecided" && decided) return false;
    if (show === "decided" && !decided) return false;
    if (show === "candidates" && !g.candidate) return false;
    if (!query) return true;
    if (g.domain.toLowerCase().includes(query)) return true;
    return g.links.some((l) => (l.anchor + " " + l.url).toLowerCase().includes(query));
  });
  const by = {
    queue: (a, b) => a.rank - b.rank,
    p: (a, b) => b.max_p - a.max_p || a.rank - b.rank,
    links: (a, b) => b.n_links - a.n_links || a.rank - b.rank,
    domain: (a, b) => a.domain.localeCompare(b.domain),
  }[sort];
  return groups.slice().sort(by);
}

function button(text, cls, onClick) {
  const node = el("button", { class: cls, text: text });
  node.addEventListener("click", onClick);
  return node;
}

function linkRow(link) {
  const href = safeHref(link.url);
  const urlCell = el("td", { class: "url" });
  if (href) {
    const a = el("a", { text: link.url });
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    urlCell.appendChild(a);
  } else {
    urlCell.textContent = link.url;
  }
  if (link.title) urlCell.appendChild(el("div", { class: "ctx", text: link.title }));
  const text = el("td", {},
    el("span", { class: "ctx", text: link.left ? "…" + link.left + " " : "" }),
    el("span", { class: "anchor", text: link.anchor || "(no anchor)" }),
    el("span", { class: "ctx", text: link.right ? " " + link.right + "…" : "" }));
  const flags = [];
  if (link.candidate) flags.push("candidate");
  if (link.in_existing) flags.push("in your file");
  if (link.decision) flags.push("decided: " + link.decision);
  const actions = el("td", {},
    button("disavow page", "url-disavow", () => decide("url", link.key, link.decision === "disavow" ? "" : "disavow")),
    button("keep page", "url-keep", () => decide("url", link.key, link.decision === "keep" ? "" : "keep")));
  const row = el("tr", { class: link.decision || "", "data-url": link.key },
    urlCell, text,
    el("td", { class: "num", text: link.p.toFixed(3) }),
    el("td", { text: link.kind }),
    el("td", { class: "reasons", text: link.reasons + (flags.length ? " [" + flags.join(", ") + "]" : "") }),
    actions);
  return row;
}

function groupCard(group, index) {
  const badges = [];
  if (group.candidate) badges.push(el("span", { class: "badge cand", text: group.candidate + " candidate" }));
  if (group.in_existing) badges.push(el("span", { class: "badge exist", text: "already in your disavow file" }));
  if (group.decision) badges.push(el("span", { class: "badge dec-" + group.decision, text: group.decision }));
  const head = el("div", { class: "ghead" },
    el("span", { class: "dname", text: group.domain }),
    el("span", { text: group.n_links + " links, " + group.n_flagged + " flagged, max p " +
      group.max_p.toFixed(3) + ", mean p " + group.mean_p.toFixed(3) }),
    el("span", { class: "kinds", text: group.kinds.join(", ") }),
    ...badges,
    button("disavow domain (d)", "dom-disavow", () => decide("domain", group.domain, group.decision === "disavow" ? "" : "disavow")),
    button("keep domain (k)", "dom-keep", () => decide("domain", group.domain, group.decision === "keep" ? "" : "keep")));
  const table = el("table", {},
    el("thead", {}, el("tr", {}, ...["source page", "text around the link", "p", "kind", "reasons", ""].map((h) => el("th", { text: h })))),
    el("tbody", {}, ...group.links.map(linkRow)));
  const more = group.n_links > group.links.length
    ? el("p", { class: "ctx", text: "… and " + (group.n_links - group.links.length) + " more links" }) : null;
  const card = el("section", {
    class: "group " + (group.decision || "") + (index === state.current ? " current" : ""),
    "data-domain": group.domain,
  }, head, table, more);
  card.addEventListener("click", () => { state.current = index; markCurrent(); });
  return card;
}

function markCurrent() {
  const cards = document.querySelectorAll("section.group");
  cards.forEach((card, i) => card.classList.toggle("current", i === state.current));
  if (cards[state.current]) cards[state.current].scrollIntoView({ block: "nearest" });
}

function render() {
  const data = state.data;
  state.visible = visibleGroups();
  state.current = Math.min(state.current, Math.max(state.visible.length - 1, 0));
  const decided = data.groups.filter((g) => g.decision).length;
  document.getElementById("summary").textContent = data.n_links + " links from " + data.n_domains +
    " referring domains; threshold " + data.threshold + "; " + decided + " domains decided; showing " +
    state.visible.length;
  document.getElementById("strategy").textContent = "queue: " + data.strategy;
  const main = document.getElementById("groups");
  main.replaceChildren(...state.visible.map(groupCard));
}

function onKey(event) {
  const target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const group = state.visible[state.current];
  const keys = {
    j: () => { state.current = Math.min(state.current + 1, state.visible.length - 1); markCurrent(); },
    ArrowDown: () => keys.j(),
    p: () => { state.current = Math.max(state.current - 1, 0); markCurrent(); },
    ArrowUp: () => keys.p(),
    d: () => group && decide("domain", group.domain, "disavow"),
    k: () => group && decide("domain", group.domain, "keep"),
    c: () => group && decide("domain", group.domain, ""),
    "/": () => document.getElementById("filter").focus(),
  };
  if (keys[event.key] && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    keys[event.key]();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const id of ["filter", "show", "sort"]) {
    document.getElementById(id).addEventListener("input", () => { state.current = 0; render(); });
  }
  document.addEventListener("keydown", onKey);
  load();
});
