const firebaseConfig = {
  apiKey: "AIzaWXYHUnCEPqtXhnK0LGmocNZ5vip7LcZavq9",
  authDomain: "app-7.firebaseapp.com",
  projectId: "app-7",
};
