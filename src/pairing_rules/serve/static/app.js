// The page's script: sends the upload to the REST API and shows what it answers.
// Every text from the answer is set with textContent (never as HTML); the report
// itself is shown in a sandboxed frame without scripts.
"use strict";

(function () {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const section = document.getElementById("pack");
  const choose = document.getElementById("pack-select");
  if (choose) {
    choose.addEventListener("change", () => choose.form.submit());
  }
  if (!section) {
    return;
  }
  const packId = section.dataset.pack;
  const lang = section.dataset.lang;
  const form = document.getElementById("run");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const result = document.getElementById("result");
  let lastAction = null;

  function formData() {
    const data = new FormData();
    const file = document.getElementById("file").files[0];
    if (file) {
      data.append("file", file, file.name);
    }
    for (const select of document.querySelectorAll(".interpretation-choice")) {
      data.append("set", select.dataset.id + "=" + select.value);
    }
    for (const name of ["rubric", "as_of"]) {
      const field = document.getElementById(name);
      if (field && field.value) {
        data.append(name, field.value);
      }
    }
    const outside = document.getElementById("outside_period");
    if (outside && outside.checked) {
      data.append("outside_period", "true");
    }
    return data;
  }

  function address(action, format) {
    return "/api/v1/packs/" + encodeURIComponent(packId) + "/" + action +
      "?format=" + format + "&lang=" + lang;
  }

  async function send(action, format) {
    const response = await fetch(address(action, format), { method: "POST", body: formData() });
    if (!response.ok) {
      let message = texts.error + " (" + response.status + ")";
      try {
        const body = await response.json();
        const error = body.error;
        message = (error.message[lang] || error.message.zh) + " [" + error.code + "]";
      } catch (ignored) {
        // not JSON: the status says enough
      }
      throw new Error(message);
    }
    return response;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    status.textContent = "";
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    row.appendChild(td);
  }

  // what the page calls a collection and a field: a person reads labels, not keys
  const fieldsNode = document.getElementById("fields");
  const fields = fieldsNode ? JSON.parse(fieldsNode.textContent) : {};

  function fieldLabel(collection, field) {
    if (!field) {
      return field;
    }
    const labels = (fields[collection] || {}).labels || {};
    return labels[String(field).split(".")[0]] || field;
  }

  function showRejected(rejected) {
    const table = document.getElementById("rejected");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const record of rejected) {
      const loc = record.loc || {};
      for (const error of record.errors) {
        const row = document.createElement("tr");
        cell(row, loc.sheet || (fields[record.collection] || {}).noun || record.collection);
        cell(row, loc.row !== null && loc.row !== undefined ? loc.row : record.index + 1);
        cell(row, error.column);
        cell(row, fieldLabel(record.collection, error.field));
        cell(row, error.message[lang] || error.message.zh);
        body.appendChild(row);
      }
    }
    table.hidden = rejected.length === 0;
    document.getElementById("rejected-none").hidden = rejected.length !== 0;
  }

  function showNotices(notices) {
    const box = document.getElementById("notices");
    const list = box.querySelector("ul");
    list.replaceChildren();
    for (const notice of notices || []) {
      const item = document.createElement("li");
      item.textContent = notice.location + (lang === "en" ? ": " : "：") + (notice.message[lang] || notice.message.zh);
      list.appendChild(item);
    }
    box.hidden = list.children.length === 0;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = event.submitter && event.submitter.dataset.action
      ? event.submitter.dataset.action : (document.getElementById("score") ? "score" : "check");
    errorBox.hidden = true;
    result.hidden = true;
    status.textContent = texts.working;
    try {
      const report = await (await send(action, "json")).json();
      document.getElementById("count").textContent = String(report.results.length);
      document.getElementById("rejected-count").textContent = String(report.rejected.length);
      showRejected(report.rejected);
      showNotices(report.notices);
      const page = await (await send(action, "html")).text();
      lastAction = action;
      result.hidden = false;
      // a new frame for each report (a frame filled again is not always painted again)
      const old = document.getElementById("report");
      const frame = document.createElement("iframe");
      frame.id = "report";
      frame.title = old.title;
      frame.setAttribute("sandbox", "");
      frame.srcdoc = page;
      old.replaceWith(frame);
      status.textContent = "";
    } catch (error) {
      showError(error.message);
    }
  });

  for (const button of document.querySelectorAll("button.download")) {
    button.addEventListener("click", async () => {
      if (!lastAction) {
        return;
      }
      try {
        const response = await send(lastAction, button.dataset.format);
        const blob = await response.blob();
        const disposition = response.headers.get("content-disposition") || "";
        const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition);
        const name = encoded ? decodeURIComponent(encoded[1])
          : packId + "-report." + button.dataset.format;
        const link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      } catch (error) {
        showError(error.message);
      }
    });
  }
})();
