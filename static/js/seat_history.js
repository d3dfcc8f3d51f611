// The order page draws no seat's history: a row's "History" loads it from the seat's history
// page when it is opened, in place of the link shown without JavaScript.
document.addEventListener(
  "toggle",
  async (event) => {
    const details = event.target;
    if (!details.open || !details.dataset.history || details.dataset.loading) return;
    details.dataset.loading = "1";
    try {
      const response = await fetch(details.dataset.history, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const timeline = page.querySelector("ol.timeline");
      const link = details.querySelector(".history-link");
      if (timeline && link) {
        link.replaceWith(document.adoptNode(timeline));
        delete details.dataset.history;
      }
    } finally {
      delete details.dataset.loading;
    }
  },
  true,
);
