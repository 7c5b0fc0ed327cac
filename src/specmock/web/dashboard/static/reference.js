// The API page's interactive reference: Swagger UI on the effective spec, whose `servers` is this
// fake's mount on this origin, so "Try it out" calls the fake. Requests carry the session the
// dashboard looks at.
(function () {
  "use strict";
  var holder = document.getElementById("reference");
  var session = holder.dataset.session;
  window.reference = SwaggerUIBundle({
    url: holder.dataset.spec,
    domNode: holder,
    deepLinking: false,
    tryItOutEnabled: false,
    validatorUrl: null,
    requestInterceptor: function (request) {
      if (session) {
        request.headers["X-Specmock-Session"] = session;
      }
      return request;
    },
  });
})();
