public class AppConfig {
    @Value("${db.password}")
    private String password;
    private static final String TOKEN_HEADER = "X-Auth-Token";
    String secret = System.getenv("APP_SECRET");
}
