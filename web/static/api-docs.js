// Starts Swagger UI on /api/docs from the vendored bundle; the page names the OpenAPI document in data-openapi.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.openapi, domNode: root, deepLinking: true });
});
