//! The offline search index: per locale, sharded, loaded by `<script>` tags.
