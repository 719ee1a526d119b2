/* Renders the workflow diagram (Mermaid text produced by the state machine). */
window.addEventListener("DOMContentLoaded", function () {
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
    window.mermaid.run({ querySelector: "#workflow-diagram" });
  }
});
