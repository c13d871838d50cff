<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>{{title}}</title>
    <style>
        body { margin: 30px 40px; background: #f6f6f6; font-family: Arial, sans-serif; }
        p.debug { font-family: monospace; }
    </style>
</head>
<body>
<h1>{{title}}</h1>
<h2>Something went wrong and we couldn't process your request.</h2>
<p>Go back to the previous page and try again. If this keeps happening, <a href="mailto:{{email}}">contact us</a>.</p>
<p><a href="{{systemurl}}">&laquo; Back to the homepage</a></p>
<p class="debug">{{stacktrace}}</p>
</body>
</html>
