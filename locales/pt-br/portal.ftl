portal-name = Solução de problemas
portal-skip = Ir para o conteúdo
portal-search-label = Pesquisar na base de conhecimento
portal-search-placeholder = Descreva o problema ou cole um código de erro
portal-search-button = Pesquisar
portal-language = Idioma
portal-home-title = Como podemos ajudar?
portal-home-intro = Pesquise um código de erro ou descreva o que você vê, ou deixe o assistente guiar você passo a passo.
portal-troubleshoot = Assistente de solução de problemas
portal-guided = Solução de problemas guiada
portal-services = Serviços
portal-error-codes = Códigos de erro comuns
portal-articles = Todos os artigos
portal-filters = Filtros
portal-more = Mais resultados
portal-machine-translation = Tradução automática
portal-troubleshoot-this = Solucionar este problema
portal-leads-to = Causas possíveis:
portal-fixed-by = Soluções:
portal-steps = Suas respostas até agora
portal-describe = Descreva o que você vê
portal-home-link = Voltar à página inicial
portal-results = { $count ->
    [one] { $count } resultado
   *[other] { $count } resultados
}
portal-no-results = Nenhum resultado para “{ $query }”.
portal-not-found-title = Página não encontrada
portal-not-found = Não há nenhuma página neste endereço.
portal-outdated = Esta tradução foi feita a partir de uma versão mais antiga do artigo; o original pode ter mudado.
portal-newer = Esta tradução é mais recente que o original carregado aqui.
portal-search-title = Resultados da pesquisa
portal-facet-kind = Tipo
portal-facet-service = Serviço
portal-facet-code = Código de erro
portal-facet-locale = Idioma
portal-did-you-mean = Você quis dizer:
