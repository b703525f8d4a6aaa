//! The offline troubleshooter: walk descriptions per locale, loaded by `<script>` tags.
