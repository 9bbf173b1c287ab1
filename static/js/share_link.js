// Share a certificate's verification link: the phone's share sheet where there is one,
// else copy it to the clipboard.
(function () {
  "use strict";
  document.querySelectorAll("[data-share]").forEach((button) => {
    button.addEventListener("click", async () => {
      const url = button.dataset.share;
      try {
        if (navigator.share) {
          await navigator.share({ title: button.dataset.title, url: url });
          return;
        }
        await navigator.clipboard.writeText(url);
        button.textContent = button.dataset.copied || "✓";
      } catch (error) {
        /* the person closed the share sheet */
      }
    });
  });
})();
