// Type-to-search choices (common/pickers.py): every <select data-picker-source> becomes a
// Tom Select that asks its endpoint for matches as the user types. Tom Select and its
// stylesheet are fetched only on pages that have a picker, so other pages, the scanner's
// above all, carry none of it.

const script =
  typeof document === "undefined" ? null : document.querySelector("script[data-tom-select-js]");

export function pickerUrl(source, query, page) {
  const [path, search = ""] = source.split("?");
  const params = new URLSearchParams(search);
  if (query) params.set("q", query);
  if (page && page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function loadAssets(config) {
  if (window.TomSelect) return Promise.resolve(window.TomSelect);
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = config.css;
  document.head.appendChild(style);
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = config.js;
    tag.onload = () => resolve(window.TomSelect);
    tag.onerror = reject;
    document.head.appendChild(tag);
  });
}

function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text == null ? "" : String(text);
  return span.innerHTML;
}

function enhance(TomSelect, select, texts) {
  const source = select.dataset.pickerSource;
  const multiple = select.multiple;
  const picker = new TomSelect(select, {
    valueField: "value",
    labelField: "text",
    searchField: [],
    // The server has already matched and ranked: keep its order.
    score: () => () => 1,
    preload: "focus",
    loadThrottle: 250,
    maxOptions: null,
    placeholder: select.dataset.pickerPlaceholder || "",
    plugins: multiple ? ["remove_button", "clear_button"] : select.required ? [] : ["clear_button"],
    // The empty choice is "nothing chosen", never an item: as an item it hides the text box
    // and the placeholder, and the next tap lands on an input moved off the screen.
    allowEmptyOption: false,
    shouldLoad: () => true,
    load(query, callback) {
      fetch(pickerUrl(source, query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : { results: [], more: false }))
        .then((data) => {
          // An answer to an earlier text (the list asked for on focus, say) that arrives
          // after the answer to what is typed now must not replace it.
          if (picker.inputValue() !== query) {
            callback();
            return;
          }
          picker.clearOptions();
          callback(data.results);
          // More matches than one page: the user narrows by typing further.
          picker.wrapper.title = data.more ? texts.more : "";
        })
        .catch(() => callback());
    },
    render: {
      option(item) {
        const hint = item.hint ? `<div class="small text-secondary">${escapeHtml(item.hint)}</div>` : "";
        return `<div>${escapeHtml(item.text)}${hint}</div>`;
      },
      item(item) {
        return `<div>${escapeHtml(item.text)}</div>`;
      },
      no_results() {
        return `<div class="no-results">${escapeHtml(texts.none)}</div>`;
      },
      loading() {
        return `<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">${escapeHtml(texts.loading)}</span></div>`;
      },
    },
  });
  return picker;
}

export function enhanceAll(root = document) {
  const selects = root.querySelectorAll("select[data-picker-source]");
  if (!selects.length || !script) return Promise.resolve([]);
  const config = {
    js: script.dataset.tomSelectJs,
    css: script.dataset.tomSelectCss,
  };
  const texts = {
    none: script.dataset.textNone || "",
    loading: script.dataset.textLoading || "",
    more: script.dataset.textMore || "",
  };
  return loadAssets(config).then((TomSelect) =>
    Array.from(selects)
      .filter((select) => !select.tomselect)
      .map((select) => enhance(TomSelect, select, texts)),
  );
}

if (script) {
  enhanceAll();
}
