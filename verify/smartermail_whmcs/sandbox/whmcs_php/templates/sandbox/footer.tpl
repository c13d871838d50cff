{* The stand-in's client-area theme: page end. *}
</main>
<footer class="footer">WHMCS stand-in of the smartermail-whmcs sandbox</footer>
</body>
</html>
