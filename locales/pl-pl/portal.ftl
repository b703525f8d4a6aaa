portal-name = Rozwiązywanie problemów
portal-skip = Przejdź do treści
portal-search-label = Przeszukaj bazę wiedzy
portal-search-placeholder = Opisz problem lub wklej kod błędu
portal-search-button = Szukaj
portal-language = Język
portal-home-title = Jak możemy pomóc?
portal-home-intro = Wyszukaj kod błędu lub opisz, co widzisz, albo skorzystaj z przewodnika krok po kroku.
portal-troubleshoot = Przewodnik rozwiązywania problemów
portal-guided = Rozwiązywanie problemów z przewodnikiem
portal-services = Usługi
portal-error-codes = Częste kody błędów
portal-articles = Wszystkie artykuły
portal-filters = Filtry
portal-more = Więcej wyników
portal-machine-translation = Tłumaczenie maszynowe
portal-troubleshoot-this = Rozwiąż ten problem
portal-leads-to = Możliwe przyczyny:
portal-fixed-by = Rozwiązania:
portal-steps = Twoje dotychczasowe odpowiedzi
portal-describe = Opisz, co widzisz
portal-home-link = Wróć do strony głównej
portal-results = { $count ->
    [one] { $count } wynik
    [few] { $count } wyniki
   *[many] { $count } wyników
}
portal-no-results = Brak wyników dla „{ $query }”.
portal-not-found-title = Nie znaleziono strony
portal-not-found = Pod tym adresem nie ma strony.
portal-outdated = To tłumaczenie powstało na podstawie starszej wersji artykułu; oryginał mógł się zmienić.
portal-newer = To tłumaczenie jest nowsze niż wczytany tu oryginał.
portal-search-title = Wyniki wyszukiwania
portal-facet-kind = Typ
portal-facet-service = Usługa
portal-facet-code = Kod błędu
portal-facet-locale = Język
portal-did-you-mean = Czy chodziło Ci o:
portal-needs-script = Wyszukiwanie i narzędzie do rozwiązywania problemów wymagają JavaScriptu, gdy te strony są otwierane z dysku. Każdy artykuł wymienia objawy, przyczyny i rozwiązania na swojej stronie.
portal-choose-language = Wybierz język
