// The root page of an export: sends the reader to the home page in the first
// of their browser's languages that the site offers (exact tag, then same
// language). Without a match, or without JavaScript, the links stay.
(function () {
  "use strict";
  var offered = {};
  var links = document.querySelectorAll("a[data-locale]");
  for (var i = 0; i < links.length; i++) {
    offered[links[i].getAttribute("data-locale")] = links[i].getAttribute("href");
  }
  var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  for (var j = 0; j < wanted.length; j++) {
    var tag = String(wanted[j]).toLowerCase();
    if (offered[tag]) {
      location.replace(offered[tag]);
      return;
    }
    var language = tag.split("-")[0];
    for (var key in offered) {
      if (key.split("-")[0] === language) {
        location.replace(offered[key]);
        return;
      }
    }
  }
})();
