resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "admin"
  password = "duwUl67SjqZ*hoQGo3Xr9x"
}
