# fixture
password = "XkEzLY~8dG8MY5U7sd"
api_token: "Yi6WPSAe9Q6ts6jI3dgER5mx"
