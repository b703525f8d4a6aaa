# The web portal and the static export.
portal-name = Troubleshooting
portal-skip = Skip to content
portal-search-label = Search the knowledge base
portal-search-placeholder = Describe the problem or paste an error code
portal-search-button = Search
portal-language = Language
portal-home-title = How can we help?
portal-home-intro = Search for an error code or describe what you see, or let the troubleshooter guide you step by step.
portal-troubleshoot = Troubleshooter
portal-guided = Guided troubleshooting
portal-services = Services
portal-error-codes = Common error codes
portal-articles = All articles
portal-filters = Filters
portal-more = More results
portal-machine-translation = Machine translation
portal-troubleshoot-this = Troubleshoot this problem
portal-leads-to = Possible causes:
portal-fixed-by = Solutions:
portal-steps = Your answers so far
portal-describe = Describe what you see
portal-home-link = Back to the home page
portal-results = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
portal-no-results = No results for “{ $query }”.
portal-not-found-title = Page not found
portal-not-found = There is no page at this address.
portal-outdated = This translation was made from an older version of the article; the original may have changed.
portal-newer = This translation is newer than the original loaded here.
portal-search-title = Search results
portal-facet-kind = Type
portal-facet-service = Service
portal-facet-code = Error code
portal-facet-locale = Language
portal-did-you-mean = Did you mean:
portal-needs-script = Search and the troubleshooter need JavaScript when these pages are opened from disk. Every article lists its symptoms, causes and solutions on its own page.
portal-choose-language = Choose your language
