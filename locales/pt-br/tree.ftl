tree-which-symptom = Qual destes você está vendo?
tree-did-it-fix = Isso resolveu o problema?
tree-yes = Sim, resolvido
tree-no = Não, o problema continua
tree-resolved = Que bom que foi resolvido!
tree-escalate = Nenhuma das soluções resolveu. Próximas etapas e artigos relacionados:
tree-symptom = O que você vê
tree-fixed-by = Resolvido por
tree-next-steps = Próximas etapas
tree-cause = Causa possível
tree-solution = Experimente esta solução
tree-check-cause = Verifique esta causa
tree-reference = De { $article }
tree-not-translated = Não traduzido para o seu idioma; exibido em { $language }.
tree-unresolved = Não disponível aqui: { $target }
tree-related = Artigos relacionados
tree-no-match = Nenhum sintoma corresponde a “{ $query }”.
tree-back = Voltar
tree-prompt = Digite um número, b para voltar, q para sair
tree-steps = { $count ->
    [one] { $count } etapa até agora
   *[other] { $count } etapas até agora
}
