// Survey set-up: a question's list of choices shows only when its kind is "choice".
(function () {
  "use strict";
  document.querySelectorAll("[data-question]").forEach((question) => {
    const kind = question.querySelector('select[name$="-kind"]');
    const choices = question.querySelector("[data-choices]");
    if (!kind || !choices) return;
    const update = () => {
      choices.hidden = kind.value !== "choice";
    };
    kind.addEventListener("change", update);
    update();
  });
})();
