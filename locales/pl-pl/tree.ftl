tree-which-symptom = Co z tego obserwujesz?
tree-did-it-fix = Czy to rozwiązało problem?
tree-yes = Tak, naprawione
tree-no = Nie, nadal występuje
tree-resolved = Cieszymy się, że problem został rozwiązany!
tree-escalate = Żadne z rozwiązań nie pomogło. Następne kroki i powiązane artykuły:
tree-symptom = Co obserwujesz
tree-fixed-by = Naprawione przez
tree-next-steps = Następne kroki
tree-cause = Możliwa przyczyna
tree-solution = Wypróbuj to rozwiązanie
tree-check-cause = Sprawdź tę przyczynę
tree-reference = Z artykułu { $article }
tree-not-translated = Nieprzetłumaczone na Twój język; wyświetlane w języku { $language }.
tree-unresolved = Niedostępne tutaj: { $target }
tree-related = Powiązane artykuły
tree-no-match = Żaden objaw nie pasuje do „{ $query }”.
tree-back = Wstecz
tree-prompt = Wpisz numer, b — wstecz, q — zakończ
tree-steps = { $count ->
    [one] { $count } krok
    [few] { $count } kroki
   *[many] { $count } kroków
}
