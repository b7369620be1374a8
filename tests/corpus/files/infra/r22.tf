# settings
resource "aws_db_instance" "db" {
  password = "r-MgLjm7Ov_1!ugj"
}
