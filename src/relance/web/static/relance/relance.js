/* Behaviour the pages declare in their markup, without inline scripts (the
   Content-Security-Policy allows none): a button with data-confirm="question" asks
   before its form is sent. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
