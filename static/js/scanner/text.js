// Text helpers shared by the scanner's modules.

// Translated strings carry {name} placeholders: translators move them, so no concatenation.
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
}

// The phone's own clock and time zone: the coordinator compares it with their watch.
export function clock(iso, seconds, lang) {
  if (!iso) return "";
  const options = { hour: "2-digit", minute: "2-digit", hour12: false };
  if (seconds) options.second = "2-digit";
  return new Date(iso).toLocaleTimeString(lang, options);
}

// Coordinators type names on a phone keyboard, usually without Vietnamese diacritics; đ is a
// letter of its own that NFD does not decompose, so it is folded by hand.
export function fold(text) {
  return (text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase();
}
