# settings
resource "aws_db_instance" "db" {
  password = "sIkDm5vrKsLmF0"
}
